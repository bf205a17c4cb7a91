package io.vitalwire.contract;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Builds the idempotency key of a reading: {@code gatewayId/deviceId[.uN]/moment/mdc}.
 *
 * <ul>
 *   <li>{@code deviceId} is the device's serial ({@code sn.…}) or BLE address ({@code bd.…}), {@code .uN} the user
 *       index on multi-user devices;</li>
 *   <li>{@code moment} is the device's record sequence number ({@code s42}) when it has one, else the device's own
 *       timestamp ({@code t20261123T120000}), else the gateway's receive time ({@code r} + epoch milliseconds) —
 *       in that order because only the first two are the same when a device re-sends a stored record;</li>
 *   <li>{@code mdc} is the measurement's code, so a cuff's pressure and pulse from one record get distinct keys.</li>
 * </ul>
 * The key is readable on purpose (operators look readings up by it) and holds nothing about the patient.
 */
public final class ReadingKey {

    private static final HexFormat HEX = HexFormat.of().withUpperCase();
    static final Pattern PATTERN = Pattern.compile("[A-Za-z0-9._~/-]{1,256}");
    /** A device id as {@link #deviceId} writes it: {@code sn.} or {@code bd.} and the escaped serial or address. */
    static final Pattern DEVICE_ID = Pattern.compile("(sn|bd)\\.([A-Za-z0-9.-]|~[0-9A-F]{2}){1,192}");

    private ReadingKey() {
    }

    public static String of(String gatewayId, DeviceIdentity device, Long sequence, String deviceTime,
                            Instant receivedAt, String mdc) {
        StringBuilder key = new StringBuilder(96).append(gatewayId).append('/').append(escape(device.stableId()));
        if (device.userIndex() != null) {
            key.append(".u").append(device.userIndex());
        }
        key.append('/');
        if (sequence != null) {
            key.append('s').append(sequence);
        } else if (deviceTime != null) {
            key.append('t').append(compact(deviceTime));
        } else {
            key.append('r').append(receivedAt.toEpochMilli());
        }
        return key.append('/').append(mdc).toString();
    }

    /**
     * The device's segment of its reading keys without the user index: {@code sn.}/{@code bd.} and the escaped serial
     * or address. Events and gaps name devices by it, so a device has one name everywhere the cloud sees it.
     */
    public static String deviceId(DeviceIdentity device) {
        return escape(device.stableId());
    }

    /**
     * The device a {@link #deviceId} names: its serial ({@code sn.}) or its BLE address ({@code bd.}).
     *
     * @throws IllegalArgumentException for anything {@link #deviceId} does not write
     */
    public static DeviceIdentity device(String deviceId) {
        if (deviceId == null || !DEVICE_ID.matcher(deviceId).matches()) {
            throw new IllegalArgumentException("not a device id (sn.… or bd.…): " + deviceId);
        }
        String id = unescape(deviceId.substring(3));
        return deviceId.startsWith("sn.") ? new DeviceIdentity(null, null, id, null, null)
                : new DeviceIdentity(null, null, null, id, null);
    }

    /** "2026-11-23T11:15:00" → "20261123T111500"; an instant keeps its zone marker: "…T101500Z". */
    static String compact(String deviceTime) {
        boolean utc = deviceTime.endsWith("Z");
        LocalDateTime t = utc ? LocalDateTime.ofInstant(Instant.parse(deviceTime), ZoneOffset.UTC)
                : LocalDateTime.parse(deviceTime);
        // By hand rather than String.format: this runs for every reading (see BENCHMARKS.md).
        StringBuilder out = new StringBuilder(24);
        pad(out, t.getYear(), 4);
        pad(out, t.getMonthValue(), 2);
        pad(out, t.getDayOfMonth(), 2).append('T');
        pad(out, t.getHour(), 2);
        pad(out, t.getMinute(), 2);
        pad(out, t.getSecond(), 2);
        int millis = t.getNano() / 1_000_000;
        if (millis != 0) {
            pad(out.append('.'), millis, 3);
        }
        return (utc ? out.append('Z') : out).toString();
    }

    private static StringBuilder pad(StringBuilder out, int value, int width) {
        String digits = Integer.toString(value);
        for (int i = digits.length(); i < width; i++) {
            out.append('0');
        }
        return out.append(digits);
    }

    /** Keeps the key unambiguous: anything outside [A-Za-z0-9.-] becomes ~XX (hex of each UTF-8 byte). */
    private static String escape(String id) {
        StringBuilder out = new StringBuilder(id.length());
        for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xFF);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-') {
                out.append(c);
            } else {
                out.append('~').append(HEX.toHexDigits(b));
            }
        }
        return out.toString();
    }

    private static String unescape(String escaped) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(escaped.length());
        for (int i = 0; i < escaped.length(); i++) {
            char c = escaped.charAt(i);
            if (c == '~') {
                bytes.write(HEX.fromHexDigits(escaped, i + 1, i + 3));
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
