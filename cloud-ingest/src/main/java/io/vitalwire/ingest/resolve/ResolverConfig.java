package io.vitalwire.ingest.resolve;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/** Patient resolution ({@code vitalwire.ingest.resolve.*}). */
@ConfigurationProperties("vitalwire.ingest.resolve")
public interface ResolverConfig {

    /**
     * The bound on how late a change made on the clinical side (a reassignment, an ended assignment) is honoured for
     * newly arriving readings when the FHIR server's history cannot be followed: a lookup not followed, or followed
     * by a feed not read for this long, is read again. Also how long lookups shared through PostgreSQL are used by
     * the other replicas. Default 60s.
     */
    @Bindable(defaultValue = "60s")
    Duration getCacheTtl();

    /**
     * How often the FHIR server's history of Devices and DeviceUseStatements is read for changes: while it is read,
     * a change is honoured within about this long, and a lookup is kept until its device changes (at most
     * {@link #getCacheMaxAge()}). Default 2s.
     */
    @Bindable(defaultValue = "2s")
    Duration getChangePoll();

    /**
     * How long a lookup followed through the history is kept at most; longer than a spot device's days between
     * readings, so that its readings do not wait for a search. Default 36h.
     */
    @Bindable(defaultValue = "36h")
    Duration getCacheMaxAge();

    /**
     * Whether every Device's assignments are read at start (page by page, in the background; {@code /health} says
     * {@code resolver: preloading} meanwhile), so that after a start no reading waits for a search of its device.
     * For deployments whose FHIR server holds their own devices; at most 200,000 devices are kept. Default false.
     */
    @Bindable(defaultValue = "false")
    boolean isPreload();
}
