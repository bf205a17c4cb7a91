package io.vitalwire.ingest.notify;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Clinician webhooks: delivery workers, retries, secrets ({@code vitalwire.ingest.notify.*}). */
@ConfigurationProperties("vitalwire.ingest.notify")
public interface NotifyConfig {

    /**
     * Whether this replica sends webhooks. Every replica may: a delivery is sent by one replica at a time (its row is
     * locked while it is sent), and one endpoint by one worker at a time. Default true.
     */
    @Bindable(defaultValue = "true")
    boolean isWorkersEnabled();

    /**
     * Delivery worker threads on this replica. Each sends to one endpoint at a time, so a slow or unreachable
     * receiver holds up one worker, never the others' alerts; each holds a database connection while it sends.
     * Default 2.
     */
    @Bindable(defaultValue = "2")
    int getWorkers();

    /**
     * How often an idle worker looks for deliveries it was not woken for: retries that became due, other replicas'
     * leftovers (a replica killed mid-send). Alerts this replica raises wake its workers at once. Default 1s.
     */
    @Bindable(defaultValue = "1s")
    Duration getPollInterval();

    /** Longest wait for a receiver's answer, connecting included; then the attempt failed. Default 15s. */
    @Bindable(defaultValue = "15s")
    Duration getTimeout();

    /**
     * Waits before the retries after the first attempt (sent at once): Standard Webhooks' schedule, 10 attempts over
     * about three days. After the last one fails the delivery is dead-lettered. A longer {@code Retry-After} of the
     * receiver wins, up to the longest of these. Default 5s,5m,30m,2h,5h,10h,14h,20h,24h.
     */
    @Bindable(defaultValue = "5s,5m,30m,2h,5h,10h,14h,20h,24h")
    List<Duration> getRetryDelays();

    /**
     * Each wait is drawn uniformly within ± this fraction of its step, so that receivers coming back from an outage
     * are not hit by every replica's retries at once. 0..0.5. Default 0.2.
     */
    @Bindable(defaultValue = "0.2")
    double getRetryJitter();

    /**
     * How long the previous secret keeps signing beside the new one after a rotation, so that receivers can switch
     * without refusing a delivery. Default 24h.
     */
    @Bindable(defaultValue = "24h")
    Duration getSecretOverlap();

    /**
     * The key (base64 of 32 random bytes) that encrypts the endpoints' signing secrets at rest, AES-256-GCM. Wins over
     * {@link #getSecretKeyFile()}; give it through the environment ({@code VITALWIRE_INGEST_NOTIFY_SECRET_KEY}), the
     * same on every replica. Default: none.
     */
    Optional<String> getSecretKey();

    /**
     * Without {@link #getSecretKey()}: the file holding that key (base64), generated (mode 0600) the first time a
     * secret is stored if it does not exist. Every replica needs the same key: share the file or set the key. Losing
     * it makes the stored secrets unusable (rotate every endpoint's secret). Default
     * /var/lib/vitalwire/cloud-ingest/webhook-secret.key.
     */
    @Bindable(defaultValue = "/var/lib/vitalwire/cloud-ingest/webhook-secret.key")
    Path getSecretKeyFile();

    /**
     * Whether endpoints may be plain {@code http://} off loopback. Alerts name patients: without TLS anyone on the
     * path reads them. Default false (https only; http to 127.0.0.1, ::1 or localhost is allowed for local receivers).
     */
    @Bindable(defaultValue = "false")
    boolean isAllowHttp();
}
