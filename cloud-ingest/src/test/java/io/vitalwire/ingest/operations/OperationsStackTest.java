package io.vitalwire.ingest.operations;

import io.vitalwire.contract.Channel;
import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.ContractMessage;
import io.vitalwire.contract.Topic;
import io.vitalwire.ingest.db.Jdbc;
import io.vitalwire.ingest.notify.EndpointStore;
import io.vitalwire.ingest.notify.Filters;
import io.vitalwire.ingest.notify.SigningSecret;
import io.vitalwire.ingest.testing.StackTest;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;

/**
 * What the operations ITs share: the context on the dev stack ({@link StackTest}), two webhook endpoints whose
 * deliveries stay queued (workers off) — one taking operations alerts, one clinical alerts only, so routing shows —
 * messages as a gateway publishes them, and the rows the tests look at.
 */
abstract class OperationsStackTest extends StackTest {

    protected final ContractCodec codec = new ContractCodec();
    @Inject
    DataSource dataSource;
    @Inject
    EndpointStore endpoints;
    @Inject
    Clock clock;
    UUID operationsEndpoint;
    UUID clinicalEndpoint;

    OperationsStackTest(String gatewayPrefix) {
        super(gatewayPrefix);
    }

    /** This class's properties beyond the common ones. */
    protected Map<String, String> operationsProperties() {
        return Map.of();
    }

    @Override
    protected Map<String, String> overrides() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Map<String, String> p = new HashMap<>();
        // Deliveries stay queued for the tests to see; nobody listens on port 9.
        p.put("vitalwire.ingest.notify.workers-enabled", "false");
        p.put("vitalwire.ingest.notify.secret-key", Base64.getEncoder().encodeToString(key));
        // The tests sweep themselves, several at once where it matters.
        p.put("vitalwire.ingest.operations.sweep-enabled", "false");
        p.putAll(operationsProperties());
        return p;
    }

    @BeforeAll
    void endpoints() {
        operationsEndpoint = endpoints.create("http://127.0.0.1:9/operations",
                new Filters(List.of(TENANT), List.of("operations"), "warning"), SigningSecret.generate(),
                clock.instant()).id();
        clinicalEndpoint = endpoints.create("http://127.0.0.1:9/clinical",
                new Filters(List.of(TENANT), List.of("clinical"), "warning"), SigningSecret.generate(),
                clock.instant()).id();
    }

    /** A topic of {@code gatewayId} in this test's tenant. */
    static String topic(String gatewayId, Channel channel) {
        return Topic.of(TENANT, gatewayId, channel).path();
    }

    byte[] encode(ContractMessage message) {
        return codec.encode(message);
    }

    /** An alert as the tests check it. */
    record AlertRow(UUID id, String kind, String rule, String severity, String gateway, String device,
                    String patient, String value) {
    }

    /** The alerts of this rule about this gateway, oldest first. */
    List<AlertRow> alerts(String rule, String gatewayId) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT id, kind, rule, severity, gateway, device, "
                     + "patient, value FROM alert WHERE rule = ? AND gateway = ? ORDER BY measured_at, raised_at")) {
            select.setString(1, rule);
            select.setString(2, gatewayId);
            return Jdbc.list(select, rs -> new AlertRow(rs.getObject(1, UUID.class), rs.getString(2),
                    rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7),
                    rs.getBigDecimal(8) == null ? null : rs.getBigDecimal(8).toPlainString()));
        }
    }

    /** The endpoints the alert's {@code alert.raised} was queued for. */
    List<UUID> deliveries(UUID alert) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT endpoint_id FROM webhook_delivery "
                     + "WHERE alert_id = ? AND event = 'alert.raised' AND state = 'PENDING' ORDER BY id")) {
            select.setObject(1, alert);
            return Jdbc.list(select, rs -> rs.getObject(1, UUID.class));
        }
    }

    /** Whether the alert's FHIR Task is owed (or written). */
    boolean taskOwed(UUID alert) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT 1 FROM care_task WHERE alert_id = ?")) {
            select.setObject(1, alert);
            return !Jdbc.list(select, rs -> true).isEmpty();
        }
    }
}
