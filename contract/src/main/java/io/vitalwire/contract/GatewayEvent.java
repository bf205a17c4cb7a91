package io.vitalwire.contract;

import java.time.Instant;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Something that happened at the gateway and matters downstream, on {@code …/events}: e.g. a device connected, a
 * buffer at capacity refused readings (a gap), a device's battery level.
 *
 * <p>The types the contract defines have required attributes, checked here (see CONTRACT.md): {@value #DEVICE_BATTERY}
 * needs {@code device} and {@code level} (0–100, percent); {@value #DEVICE_CONNECTED} and
 * {@value #DEVICE_DISCONNECTED}, {@value #READING_REFUSED} and {@value #DEVICE_PAIRED} need {@code device}; {@value #DEVICE_REFUSED} needs
 * {@code device} and a kebab-case {@code reason}; {@value #CONFIG_REFUSED} needs a kebab-case {@code reason} and
 * allows a {@code version} (digits). A {@code device} is a device id as
 * {@link ReadingKey#deviceId} writes it. Other types are free-form.
 *
 * @param v          contract version
 * @param gatewayId  the gateway
 * @param at         when it happened (UTC)
 * @param type       a short kebab-case word, e.g. "gap", "device-connected"
 * @param attributes details; never patient data
 */
public record GatewayEvent(String v, String gatewayId, Instant at, String type, Map<String, String> attributes)
        implements ContractMessage {

    /** A gap: readings the gateway's buffer refused at capacity. */
    public static final String GAP = "gap";
    /** A device's battery level, read when it connected or notified by it. */
    public static final String DEVICE_BATTERY = "device-battery";
    /** A device connected and set up: its values flow. */
    public static final String DEVICE_CONNECTED = "device-connected";
    /** A device's connection ended. */
    public static final String DEVICE_DISCONNECTED = "device-disconnected";
    /**
     * The gateway refused a device's reading at the edge and will never forward it: e.g. a value outside the
     * plausibility bounds (attribute {@code reason} {@code implausible-value}), a device fault someone should see.
     */
    public static final String READING_REFUSED = "reading-refused";
    /**
     * The gateway refused to serve an allow-listed device: bonding failed (a wrong passkey), the device asked for a
     * bonding its entry does not allow, or it reported another serial than its entry.
     */
    public static final String DEVICE_REFUSED = "device-refused";
    /**
     * A device was bonded with the gateway from its installer's pairing page: attribute {@code device}, by its BLE
     * identity address ({@code bd.…}). The device is served only once the gateway's configuration allow-lists it;
     * this tells the operator which device to assign. A reader of an older 1.2 sees a free-form type.
     */
    public static final String DEVICE_PAIRED = "device-paired";

    /**
     * The gateway refused a configuration from the cloud ({@link GatewayConfig}) and keeps the last good one:
     * attributes {@code reason} (kebab-case, e.g. {@code invalid-config}, {@code invalid-allow-list},
     * {@code not-persisted}) and {@code version} (the refused version, when it could be read). Never device
     * identifiers: the reason says what kind of problem, the cloud holds the document. Since 1.2.
     */
    public static final String CONFIG_REFUSED = "config-refused";

    private static final Pattern VERSION = Pattern.compile("[1-9][0-9]{0,18}");
    private static final Pattern TYPE = Pattern.compile("[a-z0-9-]{1,40}");
    private static final Pattern LEVEL = Pattern.compile("100|[1-9]?[0-9]");

    public GatewayEvent {
        FieldViolation.required("v", v);
        FieldViolation.required("gatewayId", gatewayId);
        FieldViolation.required("at", at);
        FieldViolation.matching("type", type, TYPE);
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
        switch (type) {
            case DEVICE_BATTERY -> {
                FieldViolation.matching("attributes.device", attributes.get("device"), ReadingKey.DEVICE_ID);
                FieldViolation.matching("attributes.level", attributes.get("level"), LEVEL);
            }
            case DEVICE_CONNECTED, DEVICE_DISCONNECTED, READING_REFUSED, DEVICE_PAIRED ->
                    FieldViolation.matching("attributes.device", attributes.get("device"), ReadingKey.DEVICE_ID);
            case DEVICE_REFUSED -> {
                FieldViolation.matching("attributes.device", attributes.get("device"), ReadingKey.DEVICE_ID);
                FieldViolation.matching("attributes.reason", attributes.get("reason"), TYPE);
            }
            case CONFIG_REFUSED -> {
                FieldViolation.matching("attributes.reason", attributes.get("reason"), TYPE);
                if (attributes.containsKey("version")) {
                    FieldViolation.matching("attributes.version", attributes.get("version"), VERSION);
                }
            }
            default -> {
                // free-form
            }
        }
    }
}
