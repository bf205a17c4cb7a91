package io.vitalwire.gateway.events;

import io.vitalwire.contract.GatewayEvent;
import java.time.Instant;
import java.util.Map;

/**
 * Something that happened to a device and matters to the people operating the homes (not to a patient's record): it
 * connected, its connection ended, its battery level, the gateway refused it. Each becomes a contract {@code GatewayEvent} of its
 * {@link #type()}. Values of the device's measurements never appear here.
 */
public sealed interface DeviceEvent {

    /** The device's id as in its reading keys without the user index ({@code sn.…}, {@code bd.…}). */
    String device();

    /** When it happened, by the gateway's clock. */
    Instant at();

    /** The contract event type, e.g. {@code device-battery}. */
    String type();

    /** The contract event's attributes. */
    Map<String, String> attributes();

    /** A device connected and was set up: its values flow. */
    record Connected(String device, Instant at) implements DeviceEvent {

        @Override
        public String type() {
            return GatewayEvent.DEVICE_CONNECTED;
        }

        @Override
        public Map<String, String> attributes() {
            return Map.of("device", device);
        }
    }

    /** The device's connection ended, whoever ended it. */
    record Disconnected(String device, Instant at) implements DeviceEvent {

        @Override
        public String type() {
            return GatewayEvent.DEVICE_DISCONNECTED;
        }

        @Override
        public Map<String, String> attributes() {
            return Map.of("device", device);
        }
    }

    /**
     * The gateway refused one of the device's readings at the edge and will never forward it: a device fault the
     * people operating the home should see, since the device itself may not tell anyone.
     *
     * @param reason          why, kebab-case: {@code implausible-value}
     * @param measurementType the contract's name of the refused measurement's type, e.g. {@code body-temperature}
     */
    record ReadingRefused(String device, String reason, String measurementType, Instant at) implements DeviceEvent {

        @Override
        public String type() {
            return GatewayEvent.READING_REFUSED;
        }

        @Override
        public Map<String, String> attributes() {
            return Map.of("device", device, "reason", reason, "type", measurementType);
        }
    }

    /**
     * The device was bonded with the hub from the installer's pairing page: the operator may now assign it (it is
     * served once the hub's allow-list names it).
     */
    record Paired(String device, Instant at) implements DeviceEvent {

        @Override
        public String type() {
            return GatewayEvent.DEVICE_PAIRED;
        }

        @Override
        public Map<String, String> attributes() {
            return Map.of("device", device);
        }
    }

    /** The device's battery level in percent (BLE Battery Level, 0x2A19). */
    record Battery(String device, int percent, Instant at) implements DeviceEvent {

        public Battery {
            if (percent < 0 || percent > 100) {
                throw new IllegalArgumentException("battery level " + percent + " is not a percentage");
            }
        }

        @Override
        public String type() {
            return GatewayEvent.DEVICE_BATTERY;
        }

        @Override
        public Map<String, String> attributes() {
            return Map.of("device", device, "level", Integer.toString(percent));
        }
    }

    /**
     * The gateway refused to serve an allow-listed device, for {@code reason}: {@code pairing-failed},
     * {@code bonding-not-allowed} or {@code serial-mismatch}.
     */
    record Refused(String device, String reason, Instant at) implements DeviceEvent {

        @Override
        public String type() {
            return GatewayEvent.DEVICE_REFUSED;
        }

        @Override
        public Map<String, String> attributes() {
            return Map.of("device", device, "reason", reason);
        }
    }
}
