package io.vitalwire.ingest.operations;

import io.vitalwire.ingest.db.Jdbc;
import io.vitalwire.ingest.notify.AlertNotice;
import io.vitalwire.ingest.rules.Severity;
import jakarta.inject.Singleton;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * {@code gateway-offline} (warning): a gateway heard of neither by a state message nor by a heartbeat for longer than
 * {@link OperationsConfig#getOfflineAfter()} — offline by its last will or its shutdown, or just silent — gets one
 * alert per such period. The period is identified by when it was last heard: a birth message or a heartbeat starts a
 * new one, so a gateway back online and offline again is alerted again.
 *
 * <p>Swept on every replica at once, safely: each gateway in a transaction of its own under its advisory lock (a
 * sweep finding it held leaves the gateway to the sweep holding it), whose guarded {@code UPDATE} marks the period
 * alerted in the transaction that inserts the alert, whose id derives from the period. Two sweeps raise one alert.
 */
@Singleton
public class GatewayOfflineAlerts {

    /** Gateways looked at per sweep; the longest silent first, the rest in the next sweep. */
    private static final int GATEWAYS_PER_SWEEP = 1_000;

    private final PresenceStore store;
    private final OperationsAlerts alerts;
    private final OperationsConfig config;

    public GatewayOfflineAlerts(PresenceStore store, OperationsAlerts alerts, OperationsConfig config) {
        this.store = store;
        this.alerts = alerts;
        this.config = config;
    }

    /**
     * Alerts every gateway silent for longer than offline-after at {@code now} and not alerted for that silence yet.
     *
     * @return how many alerts this sweep raised
     */
    public int sweep(Instant now) throws SQLException {
        Instant cutoff = now.minus(config.getOfflineAfter());
        int raised = 0;
        for (PresenceStore.GatewayRef g : store.silent(cutoff, GATEWAYS_PER_SWEEP)) {
            raised += alerts.raise(c -> {
                if (!Jdbc.tryTransactionLock(c, PresenceStore.LOCK_NAMESPACE, g.lockKey())) {
                    return List.of();
                }
                Optional<Instant> silentSince = store.markOfflineAlerted(c, g, cutoff);
                if (silentSince.isEmpty()) {
                    return List.of();
                }
                AlertNotice notice = alerts.notice(OperationsRule.GATEWAY_OFFLINE, Severity.WARNING, g.tenant(),
                        g.gateway(), null, null, g.gateway(), "silent-since:" + silentSince.get(),
                        silentSince.get(), null, null);
                return List.of(notice);
            }).size();
        }
        return raised;
    }
}
