package io.vitalwire.ingest.db;

import java.sql.SQLException;
import java.util.Locale;
import java.util.Set;

/**
 * What a failed PostgreSQL call means for the work that made it, told by the SQLSTATE of the first
 * {@link SQLException} in the cause chain (PostgreSQL's error codes, appendix A of its manual). The house's three
 * failure classes: retry later, set the input aside, or hold and alarm until someone fixes the configuration.
 */
public enum SqlFailure {
    /**
     * It may pass: the connection, the server's resources or a lock conflict (classes 08, 40, 53, 55, 57, 58, XX),
     * or no SQLSTATE at all (a pool that timed out). Retry with backoff.
     */
    TRANSIENT,
    /**
     * The data itself was refused: a value out of its column's range, a constraint, a program limit such as an index
     * row too large (classes 22, 23, 54). Retrying cannot help; the input is set aside with its SQLSTATE.
     */
    INPUT,
    /**
     * We were refused, not the data: credentials, privileges, a schema that is missing or not migrated (classes 28,
     * 3D, 3F, 42). Held like a transient failure — the data waits — but raised as an alarm, since it will not pass
     * by itself.
     */
    CONFIGURATION;

    /** The class as a metric tag and in health details: {@code transient}, {@code input}, {@code configuration}. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }

    private static final Set<String> INPUT_CLASSES = Set.of("22", "23", "54");
    private static final Set<String> CONFIGURATION_CLASSES = Set.of("28", "3D", "3F", "42");

    /** Classifies a failure thrown by JDBC work, wherever the {@link SQLException} sits in its cause chain. */
    public static SqlFailure of(Throwable thrown) {
        String state = sqlState(thrown);
        if (state == null || state.length() < 2) {
            return TRANSIENT;
        }
        String errorClass = state.substring(0, 2);
        if (INPUT_CLASSES.contains(errorClass)) {
            return INPUT;
        }
        return CONFIGURATION_CLASSES.contains(errorClass) ? CONFIGURATION : TRANSIENT;
    }

    /** The SQLSTATE of the first {@link SQLException} in the cause chain that has one; {@code null} when none. */
    public static String sqlState(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            // A batch's own exception may carry no state; the server's error is chained to it as the next one.
            for (SQLException e = t instanceof SQLException s ? s : null; e != null; e = e.getNextException()) {
                if (e.getSQLState() != null) {
                    return e.getSQLState();
                }
            }
        }
        return null;
    }
}
