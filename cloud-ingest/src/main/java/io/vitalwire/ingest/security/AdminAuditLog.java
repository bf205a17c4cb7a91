package io.vitalwire.ingest.security;

import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** The admin API's audit trail of writes, table {@code admin_audit}: appended to, read newest first. */
@Singleton
public class AdminAuditLog {

    /** One write: who, when (ISO-8601, like the API's other times), what, and what the API answered. */
    public record Entry(long id, String at, String subject, List<String> roles, String method, String path,
                        @Nullable String query, int status) {
    }

    /** The entries of a page, newest first. */
    public record Page(List<Entry> entries) {
    }

    private final DataSource dataSource;
    private final Clock clock;

    public AdminAuditLog(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /** Appends a write as of now. */
    public void record(String subject, List<String> roles, String method, String path, @Nullable String query,
                       int status) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement insert = c.prepareStatement("INSERT INTO admin_audit "
                     + "(at, subject, roles, method, path, query, status) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            insert.setTimestamp(1, Timestamp.from(clock.instant()));
            insert.setString(2, subject);
            insert.setString(3, String.join(",", roles));
            insert.setString(4, method);
            insert.setString(5, path);
            insert.setString(6, query);
            insert.setInt(7, status);
            insert.executeUpdate();
        }
    }

    /** The newest {@code limit} writes, of {@code subject} only when given. */
    public Page recent(@Nullable String subject, int limit) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT id, at, subject, roles, method, path, query, status "
                     + "FROM admin_audit WHERE (?::text IS NULL OR subject = ?) ORDER BY at DESC, id DESC LIMIT ?")) {
            select.setString(1, subject);
            select.setString(2, subject);
            select.setInt(3, limit);
            List<Entry> entries = new ArrayList<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    String roles = rs.getString(4);
                    entries.add(new Entry(rs.getLong(1), rs.getTimestamp(2).toInstant().toString(), rs.getString(3),
                            roles.isEmpty() ? List.of() : List.of(roles.split(",")), rs.getString(5),
                            rs.getString(6), rs.getString(7), rs.getInt(8)));
                }
            }
            return new Page(entries);
        }
    }
}
