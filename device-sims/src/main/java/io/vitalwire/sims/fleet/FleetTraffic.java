package io.vitalwire.sims.fleet;

import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.contract.Reading;
import io.vitalwire.contract.ReadingBatch;
import io.vitalwire.gateway.normalize.DeviceMeasurement;
import io.vitalwire.gateway.normalize.NormalizationException;
import io.vitalwire.gateway.normalize.Normalizer;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The fleet's load: each hub's devices measuring on their schedules (spot devices {@code perDay} times a simulated
 * day, the wearable every second), normalized by a {@link Normalizer} of the hub's own (so codes, units and reading
 * keys are what the gateway makes), and published as one readings batch per hub every {@code publishEveryMillis},
 * the hubs spread evenly over that period. Batches no receipt names in time are sent again under a new batch id;
 * a batch the broker dropped for want of a subscriber (PUBACK 0x10) after a second.
 */
final class FleetTraffic implements AutoCloseable {

    private static final int TICKS_PER_PERIOD = 10;
    private static final long DROPPED_RESEND_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final FleetScenario scenario;
    private final FleetLinks links;
    private final FleetLedger ledger;
    private final Clock clock;
    private final ContractCodec codec = new ContractCodec();
    private final SplittableRandom random;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fleet-traffic");
        t.setDaemon(true);
        return t;
    });
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private volatile List<HubState> active = List.of();
    /** Every hub's state by gateway id, kept across {@link #start} calls; guarded by {@code random}. */
    private final Map<String, HubState> known = new HashMap<>();
    private volatile boolean measuring;
    private volatile double alertShare;
    private ScheduledFuture<?> ticking;
    private long tick;

    /** A hub's devices' clocks and schedules. */
    private static final class HubState {
        final FleetHub hub;
        final Normalizer normalizer;
        final long[] dueNanos;
        final Instant[] lastDeviceTime;
        long lastStrapSecond;

        HubState(FleetHub hub, long now, double compression, SplittableRandom random) {
            this.hub = hub;
            this.normalizer = new Normalizer(hub.gatewayId(), ZoneOffset.UTC);
            this.dueNanos = new long[hub.devices().size()];
            this.lastDeviceTime = new Instant[hub.devices().size()];
            schedule(now, compression, random);
        }

        /** Each spot device's next measurement at a uniform phase within its period from {@code now}. */
        void schedule(long now, double compression, SplittableRandom random) {
            for (int d = 0; d < dueNanos.length; d++) {
                double perDay = hub.devices().get(d).perDay();
                // A uniform phase within the device's period: the fleet's readings spread evenly over time.
                dueNanos[d] = perDay == 0 ? Long.MAX_VALUE : now + (long) (random.nextDouble() * period(perDay,
                        compression));
            }
        }

        static long period(double perDay, double compression) {
            return (long) (TimeUnit.DAYS.toNanos(1) / (perDay * compression));
        }
    }

    FleetTraffic(FleetScenario scenario, FleetLinks links, FleetLedger ledger, Clock clock, long seed) {
        this.scenario = scenario;
        this.links = links;
        this.ledger = ledger;
        this.clock = clock;
        this.random = new SplittableRandom(seed);
        this.alertShare = scenario.alertShare();
    }

    /** From now on this share of alertable spot readings alerts (a benchmark keeps the alert rate steady). */
    void alertShare(double share) {
        alertShare = share;
    }

    /**
     * Publishes for these hubs from now on (their links must be connected), instead of any before. A hub published
     * for before keeps its devices' clocks — the last second its strap sampled, its devices' last times — as a real
     * hub does across a benchmark's steps: a strap that forgot its last second would sample that second again under
     * the same key (ticks land on the same millisecond each second) with another value.
     */
    void start(List<FleetHub> hubs) {
        long now = System.nanoTime();
        List<HubState> states = new ArrayList<>(hubs.size());
        synchronized (random) {
            for (FleetHub hub : hubs) {
                HubState state = known.get(hub.gatewayId());
                if (state == null || !state.hub.equals(hub)) {
                    state = new HubState(hub, now, scenario.timeCompression(), random);
                    known.put(hub.gatewayId(), state);
                } else {
                    state.schedule(now, scenario.timeCompression(), random);
                }
                states.add(state);
            }
        }
        active = states;
        measuring = true;
        if (ticking == null) {
            long every = Math.max(1, scenario.publishEveryMillis() / TICKS_PER_PERIOD);
            ticking = ticker.scheduleAtFixedRate(this::tick, every, every, TimeUnit.MILLISECONDS);
        }
    }

    /** Devices stop measuring; batches still owed a receipt are still sent again when due. */
    void pause() {
        measuring = false;
    }

    /** Throws what stopped the load, if anything did. */
    void check() {
        RuntimeException e = failure.get();
        if (e != null) {
            throw new IllegalStateException("the fleet's load stopped", e);
        }
    }

    private void tick() {
        synchronized (random) {
            tickLocked();
        }
    }

    private void tickLocked() {
        try {
            long now = System.nanoTime();
            int slot = (int) (tick++ % TICKS_PER_PERIOD);
            if (measuring) {
                List<HubState> hubs = active;
                for (int i = slot; i < hubs.size(); i += TICKS_PER_PERIOD) {
                    publishDue(hubs.get(i), now);
                }
            }
            if (slot == 0) {
                resendDue(now);
            }
        } catch (RuntimeException e) {
            // Kept for check(): an exception out of a scheduled task would silently end the load.
            failure.compareAndSet(null, e);
        }
    }

    private void publishDue(HubState state, long now) {
        Instant at = clock.instant();
        List<Reading> readings = new ArrayList<>();
        List<FleetHub.FleetDevice> devices = state.hub.devices();
        for (int d = 0; d < devices.size(); d++) {
            FleetHub.FleetDevice device = devices.get(d);
            if (device.kind().continuous()) {
                long second = at.getEpochSecond();
                // One sample a second since the last batch: a stream, with no device time (keys by receive time).
                for (long s = Math.max(state.lastStrapSecond + 1, second - 1); s <= second; s++) {
                    readings.add(reading(state, device, null, Instant.ofEpochSecond(s, at.getNano()), false));
                }
                state.lastStrapSecond = second;
            } else if (state.dueNanos[d] <= now) {
                state.dueNanos[d] += HubState.period(device.perDay(), scenario.timeCompression());
                Instant time = at.truncatedTo(ChronoUnit.SECONDS);
                if (state.lastDeviceTime[d] != null && !time.isAfter(state.lastDeviceTime[d])) {
                    time = state.lastDeviceTime[d].plusSeconds(1);
                }
                state.lastDeviceTime[d] = time;
                boolean alerting = device.kind().alerts() && random.nextDouble() < alertShare;
                Reading r = reading(state, device, time.toString(), at, alerting);
                readings.add(r);
                if (alerting) {
                    ledger.alerting(r.key(), now);
                }
            }
        }
        if (!readings.isEmpty()) {
            publish(state.hub, readings, now, false);
        }
    }

    private Reading reading(HubState state, FleetHub.FleetDevice device, String deviceTime, Instant receivedAt,
                            boolean alerting) {
        try {
            return state.normalizer.normalize(new DeviceMeasurement(
                    new DeviceIdentity(null, null, device.serial(), null, null), device.kind().type(),
                    device.kind().values(random, alerting), null, deviceTime, null, device.kind().source(),
                    List.of()), receivedAt);
        } catch (NormalizationException e) {
            throw new IllegalStateException("a " + device.kind() + " reading does not normalize", e);
        }
    }

    private void publish(FleetHub hub, List<Reading> readings, long now, boolean resend) {
        String batchId = UUID.randomUUID().toString().replace("-", "");
        FleetLedger.Batch batch = new FleetLedger.Batch(hub, batchId, readings, now,
                now + TimeUnit.SECONDS.toNanos(scenario.receiptTimeoutSeconds()));
        ledger.sent(batch, resend);
        GatewayLink link = links.link(hub.gatewayId());
        byte[] payload = codec.encode(ReadingBatch.of(hub.gatewayId(), batchId, clock.instant(), readings));
        link.publish(FleetTopics.readings(hub), payload).whenComplete((reason, e) -> {
            if (e != null || reason == GatewayLink.NO_MATCHING_SUBSCRIBERS || reason >= 0x80) {
                // Dropped by the broker or lost with the connection: due again soon, as a gateway retries.
                ledger.dueSooner(batchId, System.nanoTime() + DROPPED_RESEND_NANOS);
            }
        });
    }

    private void resendDue(long now) {
        List<FleetLedger.Batch> due = new ArrayList<>();
        for (FleetLedger.Batch b : ledger.outstanding()) {
            if (b.resendAtNanos() <= now) {
                due.add(b);
            }
        }
        for (FleetLedger.Batch b : due) {
            if (links.link(b.hub().gatewayId()).connected() && ledger.takeForResend(b.batchId()) != null) {
                publish(b.hub(), b.readings(), now, true);
            }
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
    }
}
