package io.vitalwire.contract;

import java.util.regex.Pattern;

/**
 * Which physical device measured, and for which of its users. A multi-user device (a family's scale or cuff)
 * measures several people, so the BLE user index is part of the identity: it decides the patient downstream.
 *
 * @param manufacturer from Device Information (0x2A29) or the device registry; optional
 * @param model        from Device Information (0x2A24); optional
 * @param serial       from Device Information (0x2A25) or the CoAP device's credentials; serial or address required
 * @param address      the BLE device address (AA:BB:CC:DD:EE:FF), when known
 * @param userIndex    the device's user index (0-254) on multi-user devices; {@code null} when the device has no
 *                     users or reports "unknown user" (255)
 */
public record DeviceIdentity(String manufacturer, String model, String serial, String address, Integer userIndex) {

    private static final Pattern ADDRESS = Pattern.compile("([0-9A-F]{2}:){5}[0-9A-F]{2}");
    private static final Pattern TEXT = Pattern.compile("\\P{Cntrl}{1,64}");

    public DeviceIdentity {
        if (serial == null) {
            FieldViolation.required("device.serial or device.address", address);
        }
        if (serial != null) {
            FieldViolation.matching("device.serial", serial, TEXT);
        }
        if (address != null) {
            FieldViolation.matching("device.address", address, ADDRESS);
        }
        if (manufacturer != null) {
            FieldViolation.matching("device.manufacturer", manufacturer, TEXT);
        }
        if (model != null) {
            FieldViolation.matching("device.model", model, TEXT);
        }
        if (userIndex != null && (userIndex < 0 || userIndex > 254)) {
            throw FieldViolation.invalid("device.userIndex", userIndex + " is outside 0..254");
        }
    }

    /** The stable part of the device's identity that goes into reading keys: its serial if known, else its address. */
    public String stableId() {
        return serial != null ? "sn." + serial : "bd." + address;
    }
}
