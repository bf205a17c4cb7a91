package io.vitalwire.gateway.ble.bluez;

import io.vitalwire.backoff.Backoff;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's connection to BlueZ on the bus: opens it with a snapshot of BlueZ's objects, passes on only the
 * events of the current connection, and on its loss voids everything known and schedules the next attempt with
 * backoff. Loop thread only, except for events, which it moves onto the loop.
 */
final class BusSession {

    private static final Logger LOG = LoggerFactory.getLogger(BusSession.class);

    private final BluezClient client;
    private final Backoff backoff;
    private final Clock clock;
    private final BleCounters counters;
    private final Executor loop;
    private final Runnable forgetAll;
    private final String agentCapability;
    /** Numbers each connection, so that a late event of an earlier one is dropped rather than applied. */
    private int generation;
    private boolean open;
    private boolean agentRegistered;
    private Instant nextAttempt = Instant.MIN;

    /**
     * @param loop      runs the gateway's BLE steps, one at a time
     * @param forgetAll voids every object known from BlueZ (device links, adapter) when the bus is lost
     * @param agentCapability what the pairing agent registers as ({@link PairingAgent#capability})
     */
    BusSession(BluezClient client, Backoff backoff, Clock clock, BleCounters counters, Executor loop,
               Runnable forgetAll, String agentCapability) {
        this.agentCapability = agentCapability;
        this.client = client;
        this.backoff = backoff;
        this.clock = clock;
        this.counters = counters;
        this.loop = loop;
        this.forgetAll = forgetAll;
    }

    /**
     * Connects unless connected: BlueZ's current objects go to {@code snapshot}, then its signals to {@code events}
     * on the loop, in bus order; then the pairing agent is registered. On failure the next attempt is scheduled.
     */
    void open(Consumer<BluezObject> snapshot, Consumer<BluezEvent> events) {
        if (open) {
            return;
        }
        int gen = ++generation;
        try {
            List<BluezObject> objects = client.open(event -> onLoop(gen, event, events));
            open = true;
            backoff.reset();
            counters.event("bus-connected");
            LOG.info("connected to BlueZ: {} objects", objects.size());
            objects.forEach(snapshot);
            registerAgent();
        } catch (BluezException e) {
            nextAttempt = clock.instant().plus(backoff.next());
            LOG.warn("BlueZ is not reachable ({}); next attempt at {}", e.getMessage(), nextAttempt);
        }
    }

    private void onLoop(int gen, BluezEvent event, Consumer<BluezEvent> events) {
        try {
            loop.execute(() -> {
                if (gen == generation && open) {
                    events.accept(event);
                }
            });
        } catch (RejectedExecutionException stopping) {
            // closing: nothing more to do
        }
    }

    private void registerAgent() {
        if (agentRegistered) {
            return;
        }
        try {
            client.registerAgent(agentCapability);
            agentRegistered = true;
        } catch (BluezException e) {
            // Not fatal: devices that need no bonding still work, and a system agent may already be registered.
            LOG.info("no pairing agent registered: {}", e.getMessage());
        }
    }

    /** Bus connection lost or BlueZ gone: every path is void; reconnect with backoff and rebuild from a snapshot. */
    void lost(String reason) {
        if (!open) {
            return;
        }
        open = false;
        generation++;
        client.close();
        counters.event("bus-lost");
        LOG.warn("lost BlueZ ({}); reconnecting with backoff", reason);
        forgetAll.run();
        agentRegistered = false;
        nextAttempt = clock.instant().plus(backoff.next());
    }

    boolean isOpen() {
        return open;
    }

    /** Closed and its next attempt has come. */
    boolean isDue(Instant now) {
        return !open && !now.isBefore(nextAttempt);
    }
}
