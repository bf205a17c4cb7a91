package io.vitalwire.ingest.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import javax.sql.DataSource;

/** JDBC steps the PostgreSQL stores (inbox, windows, events) take alike. */
public final class Jdbc {

    private Jdbc() {
    }

    /** Reads one row of a result. */
    public interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** Work done on one connection, in one transaction. */
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. What it throws is
     * the work's failure, also when the rollback fails too (a connection that broke under the work cannot roll back):
     * the work's SQLSTATE is what callers classify by.
     */
    public static <T> T inTransaction(DataSource dataSource, Work<T> work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            }
        }
    }

    /** Every row the query answers, in order. */
    public static <T> List<T> list(PreparedStatement query, Row<T> row) throws SQLException {
        List<T> rows = new ArrayList<>();
        try (ResultSet rs = query.executeQuery()) {
            while (rs.next()) {
                rows.add(row.read(rs));
            }
        }
        return rows;
    }

    /**
     * Every row a statement answers, run on a connection of its own (its own transaction). Parameters in order:
     * {@code String} (or {@code null} for text), {@code Integer}, {@code Long}, {@code Timestamp}, or
     * {@code String[]} (a text array).
     */
    public static <T> List<T> query(DataSource dataSource, String sql, Row<T> row, Object... parameters)
            throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement statement = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                Object p = parameters[i];
                if (p instanceof Timestamp at) {
                    statement.setTimestamp(i + 1, at);
                } else if (p instanceof Integer n) {
                    statement.setInt(i + 1, n);
                } else if (p instanceof Long n) {
                    statement.setLong(i + 1, n);
                } else if (p instanceof String[] texts) {
                    statement.setArray(i + 1, c.createArrayOf("text", texts));
                } else {
                    statement.setString(i + 1, (String) p);
                }
            }
            return list(statement, row);
        }
    }

    /**
     * Waits for the advisory lock {@code (namespace, key)}, held until the connection's transaction ends (commit,
     * rollback, or the connection's end if the process dies).
     */
    public static void transactionLock(Connection c, int namespace, int key) throws SQLException {
        try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?, ?)")) {
            lock.setInt(1, namespace);
            lock.setInt(2, key);
            lock.execute();
        }
    }

    /**
     * Waits for the advisory locks {@code (namespace, key)} of all the keys, each held until the transaction ends,
     * in ascending key order: two transactions locking overlapping sets so cannot deadlock each other, since each
     * waits only for a key above every key it holds. One statement, one round trip: PostgreSQL evaluates a volatile
     * select list after the sort, so the locks are taken in the {@code ORDER BY}'s order.
     */
    public static void transactionLocks(Connection c, int namespace, Collection<Integer> keys) throws SQLException {
        try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?, k) "
                + "FROM unnest(?::int[]) AS k ORDER BY k")) {
            lock.setInt(1, namespace);
            lock.setArray(2, c.createArrayOf("int4", new TreeSet<>(keys).toArray()));
            lock.execute();
        }
    }

    /**
     * Takes the advisory lock {@code (namespace, key)} for the connection's transaction, without waiting. It ends
     * with the transaction — commit, rollback, or the connection's end if the process dies — so a lock can never be
     * left behind by a crash.
     *
     * @return whether it was taken (false: another transaction holds it)
     */
    public static boolean tryTransactionLock(Connection c, int namespace, int key) throws SQLException {
        try (PreparedStatement lock = c.prepareStatement("SELECT pg_try_advisory_xact_lock(?, ?)")) {
            lock.setInt(1, namespace);
            lock.setInt(2, key);
            try (ResultSet rs = lock.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** Rolls the connection's transaction back and closes it; a broken connection is left to the pool. */
    public static void abandon(Connection c) {
        if (c != null) {
            try {
                c.rollback();
                c.close();
            } catch (SQLException ignored) {
                // Broken already: the pool discards it, PostgreSQL ends its transaction and its locks.
            }
        }
    }
}
