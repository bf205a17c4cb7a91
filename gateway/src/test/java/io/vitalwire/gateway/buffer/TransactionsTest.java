package io.vitalwire.gateway.buffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk, as SQLite sees it ({@code SQLITE_FULL}), made without filling one: {@code max_page_count} caps the
 * file. SQLite then rolls the transaction back by itself; the connection must be usable again once there is room.
 */
class TransactionsTest {

    @TempDir
    Path dir;

    @Test
    void rollback_afterSqliteRolledBackOnAFullDisk_theNextTransactionCommitsAlone() throws Exception {
        Path file = dir.resolve("full.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("CREATE TABLE t (x BLOB)");
            c.setAutoCommit(false);
            s.execute("PRAGMA max_page_count = 40");

            assertThatThrownBy(() -> insert(c, 200)).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(DiskSpace.isFull(e)).isTrue());
            Transactions.rollback(c);

            s.execute("PRAGMA max_page_count = 100000");
            insert(c, 1);
            c.commit();
            insert(c, 5);
            c.rollback();
        }
        // The refused rows and the rolled-back ones are not there: each transaction was one again.
        try (Connection check = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = check.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }
    }

    @Test
    void isFull_onlyForSqliteFull() {
        assertThat(DiskSpace.isFull(new RuntimeException(new SQLException("x", "", 13)))).isTrue();
        assertThat(DiskSpace.isFull(new SQLException("extended code of SQLITE_FULL", "", 13 | (1 << 8)))).isTrue();
        assertThat(DiskSpace.isFull(new SQLException("busy", "", 5))).isFalse();
        assertThat(DiskSpace.isFull(new IllegalStateException())).isFalse();
    }

    private static void insert(Connection c, int rows) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO t VALUES (?)")) {
            for (int i = 0; i < rows; i++) {
                p.setBytes(1, new byte[3000]);
                p.executeUpdate();
            }
        }
    }
}
