package io.vitalwire.ingest.operations;

import io.vitalwire.contract.ReadingKey;
import io.vitalwire.ingest.resolve.PatientResolver;
import io.vitalwire.ingest.resolve.Resolution;
import io.vitalwire.ingest.rules.Severity;
import jakarta.inject.Singleton;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * {@code device-battery-low} from a gateway's {@code device-battery} events ({@link BatteryRule}: warning at ≤ 20 %,
 * critical at ≤ 10 %, one per device within 24 h unless worse), judged per device in one transaction under its lock,
 * with the alert raised in it ({@link OperationsAlerts}). A report handled again (a redelivery) finds its own alert
 * in the device's state and raises nothing.
 *
 * <p>The patient: the device's owner at the report's time when a recent lookup of the device is at hand (its readings
 * were resolved within {@code resolve.cache-ttl} by any replica), else none — the FHIR server is never asked here,
 * so a slow or failing one never delays the alert or the consumer; the Task then goes to the care coordinators
 * without a patient, and the webhook names the device.
 */
@Singleton
class BatteryAlerts {

    private static final String UNIT = "%";

    private final BatteryStore store;
    private final OperationsAlerts alerts;
    private final PatientResolver patients;
    private final BatteryRule rule;

    BatteryAlerts(BatteryStore store, OperationsAlerts alerts, PatientResolver patients, OperationsConfig config) {
        this.store = store;
        this.alerts = alerts;
        this.patients = patients;
        this.rule = BatteryRule.of(config);
    }

    /** The battery of {@code device} was {@code level} percent at {@code at}, as {@code gateway} reports. */
    void reported(String tenant, String gateway, String device, int level, Instant at) throws SQLException {
        String patient = rule.decide(level, at, null).isPresent() ? patientOf(device, at) : null;
        alerts.raise(c -> {
            store.lock(c, tenant, device);
            BatteryRule.LastAlert last = store.lastAlert(c, tenant, device).orElse(null);
            store.reported(c, tenant, device, gateway, level, at);
            Optional<Severity> severity = rule.decide(level, at, last);
            if (severity.isEmpty()) {
                return List.of();
            }
            store.alerted(c, tenant, device, severity.get(), at);
            return List.of(alerts.notice(OperationsRule.DEVICE_BATTERY_LOW, severity.get(), tenant, gateway, device,
                    patient, device, "reported-at:" + at, at, BigDecimal.valueOf(level), UNIT));
        });
    }

    private String patientOf(String device, Instant at) {
        try {
            return patients.cached(ReadingKey.device(device), at)
                    .filter(Resolution.Assigned.class::isInstance)
                    .map(r -> ((Resolution.Assigned) r).patientId())
                    .orElse(null);
        } catch (RuntimeException e) {
            // The patient is a courtesy here: the alert goes without one rather than not at all.
            return null;
        }
    }
}
