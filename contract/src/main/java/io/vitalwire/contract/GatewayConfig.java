package io.vitalwire.contract;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The payload on {@code …/config} (since 1.2), written by cloud-ingest only and retained by the broker: one
 * gateway's configuration from the cloud. The gateway applies a version only if it is newer than the one it applied
 * last, keeps the last good one on disk, reports the applied {@code version} in its status
 * ({@link GatewayStatus#configVersion()}) and refuses an invalid one with a {@value GatewayEvent#CONFIG_REFUSED}
 * event, keeping the last good one. A gateway that never applied one runs on its local configuration.
 *
 * <p>Only settings that are safe to change from afar belong here: nothing that could cut the gateway off its broker
 * (addresses, certificates) and no secrets beyond the BLE passkeys an allow-list entry may name (printed on the
 * device; the topic is readable by this gateway and cloud-ingest only). A {@code null} setting keeps the gateway's
 * local value.
 *
 * @param v         contract version
 * @param gatewayId the gateway this configuration is for; must equal the topic's gateway segment
 * @param version   positive, and only ever growing for one gateway: the gateway ignores one not newer than its own
 * @param issuedAt  when cloud-ingest issued this version (UTC)
 * @param devices   the devices this gateway serves (replaces its local allow-list as a whole)
 * @param ble       BLE settings, or null: local ones
 * @param coap      CoAP settings, or null: local ones
 * @param reporting reporting intervals, or null: local ones
 */
public record GatewayConfig(String v, String gatewayId, Long version, Instant issuedAt, Devices devices,
                            BleSettings ble, CoapSettings coap, Reporting reporting) implements ContractMessage {

    /** Entries per list at most: far above a home's or a ward's devices, and it bounds the message. */
    public static final int MAX_DEVICES = 256;

    /**
     * One BLE allow-list entry as the gateway's {@code vitalwire.gateway.ble.allow-list} has them: the identity
     * address, then single-space-separated {@code passkey=N} or {@code just-works} (one of them), {@code serial=S},
     * {@code irk=H}, each at most once.
     */
    static final Pattern BLE_ENTRY = Pattern.compile("([0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}"
            + "( (passkey=[0-9]{1,6}|just-works|serial=[!-~]{1,64}|irk=[0-9A-Fa-f]{32}))*");
    private static final Pattern SERIAL_DEVICE = Pattern.compile("sn\\.([A-Za-z0-9.-]|~[0-9A-F]{2}){1,192}");

    public GatewayConfig {
        FieldViolation.required("v", v);
        FieldViolation.required("gatewayId", gatewayId);
        FieldViolation.required("version", version);
        if (version < 1) {
            throw FieldViolation.invalid("version", "must be positive");
        }
        FieldViolation.required("issuedAt", issuedAt);
        FieldViolation.required("devices", devices);
    }

    public static GatewayConfig of(String gatewayId, long version, Instant issuedAt, Devices devices, BleSettings ble,
                                   CoapSettings coap, Reporting reporting) {
        return new GatewayConfig(ContractVersion.CURRENT, gatewayId, version, issuedAt, devices, ble, coap,
                reporting);
    }

    /**
     * The devices the gateway serves; each list replaces the gateway's local one.
     *
     * @param ble  BLE allow-list entries ({@link #BLE_ENTRY}), one address at most once; may be empty (none)
     * @param coap the CoAP devices allowed, by device id {@code sn.{serial}} as reading keys write it
     *             ({@link ReadingKey#deviceId}); the serial is the one the gateway's PSK file gives the device's
     *             identity, whose key never leaves the hub. May be empty (none)
     */
    public record Devices(List<String> ble, List<String> coap) {

        public Devices {
            ble = List.copyOf(bounded("devices.ble", ble));
            coap = List.copyOf(bounded("devices.coap", coap));
            Set<String> addresses = new HashSet<>();
            for (int i = 0; i < ble.size(); i++) {
                String entry = FieldViolation.matching("devices.ble[" + i + "]", ble.get(i), BLE_ENTRY);
                requireEachAttributeOnce("devices.ble[" + i + "]", entry);
                if (!addresses.add(entry.substring(0, 17).toUpperCase(Locale.ROOT))) {
                    throw FieldViolation.invalid("devices.ble[" + i + "]", "an address an earlier entry lists");
                }
            }
            if (Set.copyOf(coap).size() != coap.size()) {
                throw FieldViolation.invalid("devices.coap", "lists a device twice");
            }
            for (int i = 0; i < coap.size(); i++) {
                FieldViolation.matching("devices.coap[" + i + "]", coap.get(i), SERIAL_DEVICE);
            }
        }

        private static List<String> bounded(String field, List<String> values) {
            FieldViolation.required(field, values);
            if (values.size() > MAX_DEVICES) {
                throw FieldViolation.tooLarge(field, values.size(), MAX_DEVICES);
            }
            return values;
        }

        private static void requireEachAttributeOnce(String field, String entry) {
            Set<String> seen = new HashSet<>();
            String[] parts = entry.split(" ");
            for (int i = 1; i < parts.length; i++) {
                String name = parts[i].startsWith("passkey=") || parts[i].equals("just-works") ? "bonding"
                        : parts[i].substring(0, parts[i].indexOf('='));
                if (!seen.add(name)) {
                    throw FieldViolation.invalid(field, "attribute " + (i + 1) + " repeats one before it (passkey= "
                            + "or just-works, serial=, irk=: each at most once)");
                }
            }
        }
    }

    /**
     * BLE settings safe to change from afar.
     *
     * @param setDeviceClock whether the gateway may set a device's clock (its {@code vitalwire.gateway.ble.
     *                       set-device-clock}); null: the local setting
     */
    public record BleSettings(Boolean setDeviceClock) {
    }

    /**
     * CoAP settings safe to change from afar.
     *
     * @param maxPayloadBytes largest SenML pack accepted ({@code vitalwire.gateway.coap.max-payload-bytes}),
     *                        {@value #MIN_PAYLOAD_BYTES}–{@value #MAX_PAYLOAD_BYTES}; null: the local setting
     */
    public record CoapSettings(Integer maxPayloadBytes) {

        public static final int MIN_PAYLOAD_BYTES = 1024;
        public static final int MAX_PAYLOAD_BYTES = 65536;

        public CoapSettings {
            FieldViolation.optionalWithin("coap.maxPayloadBytes", maxPayloadBytes, MIN_PAYLOAD_BYTES,
                    MAX_PAYLOAD_BYTES);
        }
    }

    /**
     * Reporting intervals.
     *
     * @param statusIntervalSeconds seconds between status heartbeats ({@code vitalwire.gateway.uplink.
     *                              heartbeat-interval}), {@value #MIN_STATUS_SECONDS}–{@value #MAX_STATUS_SECONDS}:
     *                              the cloud's offline detection waits for a few missed ones, so an hour at most;
     *                              null: the local setting
     */
    public record Reporting(Integer statusIntervalSeconds) {

        public static final int MIN_STATUS_SECONDS = 5;
        public static final int MAX_STATUS_SECONDS = 3600;

        public Reporting {
            FieldViolation.optionalWithin("reporting.statusIntervalSeconds", statusIntervalSeconds,
                    MIN_STATUS_SECONDS, MAX_STATUS_SECONDS);
        }
    }
}
