package io.vitalwire.gateway.intake;

import io.micrometer.core.instrument.MeterRegistry;
import io.vitalwire.contract.Reading;
import io.vitalwire.contract.ReadingKey;
import io.vitalwire.gateway.buffer.AppendResult;
import io.vitalwire.gateway.buffer.BufferException;
import io.vitalwire.gateway.buffer.BufferFullException;
import io.vitalwire.gateway.buffer.Lane;
import io.vitalwire.gateway.buffer.ReadingBuffer;
import io.vitalwire.gateway.events.DeviceEvent;
import io.vitalwire.gateway.events.DeviceEvents;
import io.vitalwire.gateway.normalize.DeviceMeasurement;
import io.vitalwire.gateway.normalize.ImplausibleMeasurementException;
import io.vitalwire.gateway.normalize.NormalizationException;
import io.vitalwire.gateway.normalize.Normalizer;
import io.vitalwire.privacy.DeviceAliases;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one path from every transport into the durable buffer: normalize a delivery's measurements, append them to the
 * buffer lane their provenance earns, and answer with an {@link IntakeOutcome} the transport maps to its protocol.
 * Transports decode and answer; they never see the buffer, so "acknowledge only what is durable" is decided here once.
 *
 * <p>Thread-safe: transports call it from their own threads; the buffer groups concurrent appends into one commit.
 */
@Singleton
public class ReadingIntake {

    /**
     * How long a device should wait after the buffer refused it at capacity. Space comes back only as the uplink
     * drains or maintenance deletes acknowledged rows, which takes minutes, not seconds: a minute keeps a full
     * gateway from being asked again and again.
     */
    public static final Duration RETRY_WHEN_FULL = Duration.ofSeconds(60);

    /**
     * At most one {@code reading-refused} event per device and measurement type in this time: a faulty strap may
     * send an implausible value every second, and one event says as much as thousands (the intake's counters still
     * count every refusal).
     */
    public static final Duration REFUSAL_REPORT_INTERVAL = Duration.ofHours(1);

    private static final Logger LOG = LoggerFactory.getLogger(ReadingIntake.class);
    /** How far {@link #keptApart} moves a colliding reading's receive time at most: far more than ever needed. */
    private static final int MAX_RECEIVE_SHIFT_MILLIS = 1_000;

    private final Normalizer normalizer;
    private final ReadingBuffer buffer;
    private final MeterRegistry meters;
    private final DeviceAliases aliases;
    private final DeviceEvents events;
    /** When each device and type was last reported refused; as many entries as a home has devices and types. */
    private final Map<String, Instant> lastRefusalReports = new ConcurrentHashMap<>();
    /** Null when streams are committed at once (a zero interval). */
    private final StreamCommits streamCommits;

    @Inject
    ReadingIntake(Normalizer normalizer, ReadingBuffer buffer, MeterRegistry meters, DeviceAliases aliases,
                  DeviceEvents events, IntakeConfig config) {
        this(normalizer, buffer, meters, aliases, events, config.getStreamCommitInterval());
    }

    /**
     * @param aliases              how logs name devices
     * @param events               where a reading refused as implausible is reported, so that a faulty device is seen
     * @param streamCommitInterval see {@link IntakeConfig#getStreamCommitInterval()}; zero commits streams at once
     */
    public ReadingIntake(Normalizer normalizer, ReadingBuffer buffer, MeterRegistry meters, DeviceAliases aliases,
                         DeviceEvents events, Duration streamCommitInterval) {
        this.normalizer = normalizer;
        this.buffer = buffer;
        this.meters = meters;
        this.aliases = aliases;
        this.events = events;
        this.streamCommits = streamCommitInterval.isZero() ? null
                : new StreamCommits(streamCommitInterval, this::commitStreamed);
    }

    /** Normalizes and appends the delivery whole: every reading of it is durable afterwards, or none is. */
    public IntakeOutcome take(Delivery delivery) {
        List<Reading> readings = new ArrayList<>(delivery.measurements().size());
        IntakeOutcome.Invalid invalid = normalize(delivery, readings);
        if (invalid != null) {
            return invalid;
        }
        Lane lane = laneOf(delivery.provenance());
        try {
            AppendResult appended = keptApart(delivery, lane, readings, buffer.append(lane, readings));
            countDurable(delivery, appended);
            return new IntakeOutcome.Durable(readings, appended.added(), appended.alreadyKnown());
        } catch (BufferFullException e) {
            // Logged at debug: the buffer records each gap once rather than every refused delivery.
            LOG.debug("buffer at capacity: {} delivery of {} readings refused ({})", tag(delivery), readings.size(),
                    lane);
            return new IntakeOutcome.BufferFull(RETRY_WHEN_FULL);
        } catch (BufferException e) {
            LOG.error("buffer append of {} readings from {} device {} failed; not acknowledged", readings.size(),
                    tag(delivery), deviceOf(delivery), e);
            return new IntakeOutcome.BufferFailing(e.getMessage());
        }
    }

    /**
     * A live delivery of a continuous stream's samples, which nothing acknowledges to the device (BLE notifications):
     * normalized now and refused now if invalid, but committed with whatever else streams within the
     * {@link IntakeConfig#getStreamCommitInterval() stream commit interval} — one synchronous commit for all of them
     * instead of one per sample. {@link IntakeOutcome.Streamed} is not durable yet: a failed commit is counted
     * ({@code vitalwire.intake.readings}, outcome {@code lost-at-capacity} or {@code lost-buffer-failing}) and logged.
     * Anything else, or a zero interval: {@link #take}.
     */
    public IntakeOutcome takeStreamed(Delivery delivery) {
        if (streamCommits == null || delivery.provenance() != Provenance.LIVE) {
            return take(delivery);
        }
        List<Reading> readings = new ArrayList<>(delivery.measurements().size());
        IntakeOutcome.Invalid invalid = normalize(delivery, readings);
        if (invalid != null) {
            return invalid;
        }
        if (!readings.isEmpty()) {
            streamCommits.add(new StreamCommits.Queued(delivery, readings));
        }
        return new IntakeOutcome.Streamed(readings);
    }

    /** Stream samples waiting for their commit. */
    public int streamSamplesWaiting() {
        return streamCommits == null ? 0 : streamCommits.waiting();
    }

    /** What streams meanwhile is committed at once: the buffer closes after the intake. */
    @PreDestroy
    public void close() {
        if (streamCommits != null) {
            streamCommits.close();
        }
    }

    /** @return null with {@code readings} filled, or why the delivery is invalid */
    private IntakeOutcome.Invalid normalize(Delivery delivery, List<Reading> readings) {
        DeviceMeasurement current = null;
        try {
            for (DeviceMeasurement m : delivery.measurements()) {
                current = m;
                readings.add(normalizer.normalize(m, delivery.receivedAt()));
            }
            return null;
        } catch (ImplausibleMeasurementException e) {
            reportRefused(current, delivery.receivedAt());
            return new IntakeOutcome.Invalid(IntakeOutcome.Fault.IMPLAUSIBLE, e.getMessage());
        } catch (NormalizationException e) {
            return new IntakeOutcome.Invalid(IntakeOutcome.Fault.NOT_NORMALIZABLE, e.getMessage());
        } catch (IllegalArgumentException e) {
            return new IntakeOutcome.Invalid(IntakeOutcome.Fault.BREAKS_CONTRACT, e.getMessage());
        }
    }

    /**
     * One group of stream deliveries, one commit ({@link ReadingBuffer#appendEach}: each delivery's keys checked on
     * their own, so that two samples of one millisecond are kept apart as {@link #take} keeps them); each delivery
     * then finished as {@link #take} finishes it, or counted lost.
     */
    private void commitStreamed(List<StreamCommits.Queued> group) {
        List<ReadingBuffer.EachAppend> appended;
        try {
            appended = buffer.appendEach(Lane.CRITICAL, group.stream().map(StreamCommits.Queued::readings).toList());
        } catch (BufferException e) {
            LOG.error("stream samples of {} deliveries could not be prepared for the buffer; they are lost",
                    group.size(), e);
            group.forEach(q -> countLost(q, "lost-buffer-failing"));
            return;
        }
        for (int i = 0; i < group.size(); i++) {
            StreamCommits.Queued q = group.get(i);
            BufferException failure = appended.get(i).failure();
            if (failure instanceof BufferFullException) {
                LOG.debug("buffer at capacity: {} stream samples lost", q.readings().size());
                countLost(q, "lost-at-capacity");
            } else if (failure != null) {
                LOG.error("buffer append of {} stream samples from {} failed; they are lost", q.readings().size(),
                        deviceOf(q.delivery()), failure);
                countLost(q, "lost-buffer-failing");
            } else {
                try {
                    countDurable(q.delivery(), keptApart(q.delivery(), Lane.CRITICAL, new ArrayList<>(q.readings()),
                            appended.get(i).result()));
                } catch (BufferException e) {
                    // The samples are stored; only moving one off a key it met failed (logged by the buffer's caller).
                    LOG.error("a stream sample from {} could not be moved off a known key", deviceOf(q.delivery()), e);
                }
            }
        }
    }

    private void countLost(StreamCommits.Queued q, String outcome) {
        meters.counter("vitalwire.intake.readings", "source", tag(q.delivery()), "outcome", outcome)
                .increment(q.readings().size());
    }

    /**
     * Readings keyed by their receive time (no sequence, no device time) that the buffer already knew are other
     * readings, never a re-sent one: a re-sent pack gets a new receive time. They meet an old key only when the
     * gateway's clock was set back and re-lives a millisecond it already keyed a reading of the same device and code
     * with; taken for "already known", they would be answered as durable and never sent. Each is normalized again one
     * millisecond later (its receive time, measurement time and key) until its key is free. Replaces them in
     * {@code readings}; returns the append's result as if they had been new.
     */
    private AppendResult keptApart(Delivery delivery, Lane lane, List<Reading> readings, AppendResult appended) {
        AppendResult result = appended;
        for (int shift = 1; shift <= MAX_RECEIVE_SHIFT_MILLIS; shift++) {
            List<Integer> collided = new ArrayList<>();
            for (int i = 0; i < readings.size(); i++) {
                Reading r = readings.get(i);
                if (r.sequence() == null && r.deviceTime() == null && result.knownKeys().contains(r.key())) {
                    collided.add(i);
                }
            }
            if (collided.isEmpty()) {
                return result;
            }
            List<Reading> again = new ArrayList<>(collided.size());
            try {
                for (int i : collided) {
                    again.add(normalizer.normalize(delivery.measurements().get(i),
                            delivery.receivedAt().plusMillis(shift)));
                }
            } catch (NormalizationException e) {
                // Normalized a moment ago with the same measurement; only the time window's edge could differ.
                LOG.error("{} delivery: a reading could not be moved off a known key: {}", tag(delivery),
                        e.getMessage());
                return result;
            }
            AppendResult more = buffer.append(lane, again);
            for (int n = 0; n < collided.size(); n++) {
                readings.set(collided.get(n), again.get(n));
            }
            result = new AppendResult(result.added() + more.added(), result.alreadyKnown() - more.added(),
                    more.knownKeys());
        }
        LOG.error("{} delivery: {} readings keyed by receive time still meet known keys after {} ms of shifting",
                tag(delivery), result.knownKeys().size(), MAX_RECEIVE_SHIFT_MILLIS);
        return result;
    }

    /** A {@code reading-refused} device event, unless one went out for this device and type within the interval. */
    private void reportRefused(DeviceMeasurement m, Instant at) {
        String device = ReadingKey.deviceId(m.device());
        String key = device + " " + m.type();
        Instant last = lastRefusalReports.get(key);
        // Two transports' threads racing here may both report: a duplicate event is harmless, a lock is not needed.
        if (last == null || !at.isBefore(last.plus(REFUSAL_REPORT_INTERVAL))) {
            lastRefusalReports.put(key, at);
            events.report(new DeviceEvent.ReadingRefused(device, "implausible-value", m.type().code(), at));
        }
    }

    /**
     * Live values go before the backlog and are refused later than stored records: a stored record refused at
     * capacity is still on the device, a live one may be lost.
     */
    private static Lane laneOf(Provenance provenance) {
        return switch (provenance) {
            case LIVE -> Lane.CRITICAL;
            case STORED -> Lane.ROUTINE;
        };
    }

    private void countDurable(Delivery delivery, AppendResult appended) {
        String source = tag(delivery);
        meters.counter("vitalwire.intake.readings", "source", source, "outcome", "added")
                .increment(appended.added());
        meters.counter("vitalwire.intake.readings", "source", source, "outcome", "already-known")
                .increment(appended.alreadyKnown());
    }

    private static String tag(Delivery delivery) {
        return delivery.transport().name().toLowerCase(Locale.ROOT);
    }

    /** The device's alias, for the log: its serial or address would be an identifier. */
    private String deviceOf(Delivery delivery) {
        return delivery.measurements().isEmpty() ? "-" : aliases.of(delivery.measurements().get(0).device());
    }
}
