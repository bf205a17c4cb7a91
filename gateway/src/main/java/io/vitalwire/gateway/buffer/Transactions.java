package io.vitalwire.gateway.buffer;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;
import org.slf4j.LoggerFactory;

/**
 * Ending a failed transaction on one of the buffer's connections (all in manual-commit mode) so that the next one
 * starts cleanly.
 *
 * <p>Why not just {@link Connection#rollback()}: on some errors, {@code SQLITE_FULL} among them, SQLite rolls the
 * transaction back by itself. The driver (xerial) does not notice: its {@code rollback()} then fails ("no
 * transaction is active") before it opens the next transaction, and from then on every statement on the connection
 * commits on its own while every {@code commit()} fails. A full disk thus left the buffer storing readings it
 * reported as refused, and refusing every append for ever after the space came back. Opening the transaction the
 * driver believes open puts the two in step again.
 */
final class Transactions {

    private static final Logger LOG = LoggerFactory.getLogger(Transactions.class);

    private Transactions() {
    }

    /**
     * {@code SQLITE_BUSY} (any extended code): another connection held or took the write lock — after the busy
     * timeout, or at once when this transaction's earlier read became stale by another's commit. Nothing was
     * written; the transaction may be tried again from the start.
     */
    static boolean lostWriteLock(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLiteException s && (s.getResultCode().code & 0xFF) == SQLiteErrorCode.SQLITE_BUSY.code) {
                return true;
            }
        }
        return false;
    }

    static void rollback(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            try (Statement s = connection.createStatement()) {
                s.execute("BEGIN");
                LOG.debug("SQLite had rolled back by itself ({}); transaction reopened", e.getMessage());
            } catch (SQLException stillOpen) {
                LOG.warn("rollback failed: {}", e.getMessage());
            }
        }
    }
}
