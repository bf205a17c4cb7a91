package io.vitalwire.gateway.uplink;

import java.util.Locale;

/**
 * The uplink's states. Shown by {@link #wireName()} in {@code GET /health} and the heartbeat's {@code uplink}
 * field; each transition is one method of {@link UplinkLifecycle}.
 */
public enum UplinkState {
    /**
     * Not connected: the first attempt, a reconnection, or the backoff wait between two attempts. Readings are still
     * accepted and kept in the buffer; nothing leaves. The initial state, and the state after a lost connection.
     */
    CONNECTING,
    /** Connected and announced online (the retained birth message): batches, heartbeats and gap events go out. */
    CONNECTED,
    /** Shut down; final. A clean shutdown announced itself offline if it was connected. */
    STOPPED;

    /** As {@code /health} and the heartbeat show it: {@code connecting}, {@code connected}, {@code stopped}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
