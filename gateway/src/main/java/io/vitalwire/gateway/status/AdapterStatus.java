package io.vitalwire.gateway.status;

/**
 * One input adapter's state for the heartbeat ({@code GatewayStatus.adapters}): each input (BLE, CoAP…) offers a
 * bean, and the uplink collects them without knowing the inputs. {@link #state()} must not block or throw; it
 * answers from what the adapter last saw.
 */
public interface AdapterStatus {

    /** The key in the heartbeat, e.g. {@code ble}, {@code coap}. */
    String name();

    /** One word, e.g. {@code powered}, {@code off}, {@code absent}, {@code listening}, {@code disabled}. */
    String state();
}
