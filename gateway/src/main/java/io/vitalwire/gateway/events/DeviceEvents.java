package io.vitalwire.gateway.events;

/**
 * Where a transport hands its devices' events, knowing nothing of where they go (the uplink implements it, keeping
 * them durably until the broker has them). Owned by this neutral package so that transports need neither the buffer
 * nor the uplink.
 *
 * <p>{@link #report} returns once the event is durable, or after it was counted and logged as lost (the store
 * failing); it never throws and never waits for the network, so a transport's thread is never held up by it.
 */
public interface DeviceEvents {

    void report(DeviceEvent event);
}
