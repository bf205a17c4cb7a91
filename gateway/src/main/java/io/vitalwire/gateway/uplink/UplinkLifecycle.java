package io.vitalwire.gateway.uplink;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The uplink's current {@link UplinkState}, changed only by the transitions below, each guarded by the state it
 * expects: a connection that completes while the gateway shuts down cannot bring a stopped uplink back to
 * {@code connected}. The uplink's loop makes the transitions; health checks and heartbeats read from any thread.
 */
final class UplinkLifecycle {

    private final AtomicReference<UplinkState> state = new AtomicReference<>(UplinkState.CONNECTING);

    UplinkState current() {
        return state.get();
    }

    /** CONNECTING → CONNECTED: connected and announced online. @return false if the uplink was not connecting */
    boolean connected() {
        return state.compareAndSet(UplinkState.CONNECTING, UplinkState.CONNECTED);
    }

    /** CONNECTED → CONNECTING: the connection is gone. @return false if it was not connected (e.g. a retry) */
    boolean lost() {
        return state.compareAndSet(UplinkState.CONNECTED, UplinkState.CONNECTING);
    }

    /** Any state → STOPPED, which is final. */
    void stopped() {
        state.set(UplinkState.STOPPED);
    }
}
