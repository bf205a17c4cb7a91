package io.vitalwire.gateway.ble.bluez;

import io.vitalwire.contract.DeviceIdentity;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Optional;

/**
 * The GATT reads and writes of setting a device up: who it is (Device Information), its battery and clock, the
 * notifications and indications, and the Record Access Control Point requests for stored records.
 * {@link ConnectionSetup} decides their order.
 */
final class DeviceSetup {

    /** RACP op codes, operators and operands (Glucose Service and Pulse Oximeter Service, 0x2A52). */
    static final int RACP_REPORT_STORED_RECORDS = 0x01;
    static final int RACP_DELETE_STORED_RECORDS = 0x02;
    static final int RACP_RESPONSE_CODE = 0x06;
    static final int RACP_ALL_RECORDS = 0x01;
    static final int RACP_GREATER_OR_EQUAL = 0x03;
    static final int RACP_FILTER_SEQUENCE_NUMBER = 0x01;
    static final int RACP_SUCCESS = 0x01;
    static final int RACP_NO_RECORDS_FOUND = 0x06;

    /** A device clock within this of the gateway's is left alone (the normalizer calls it synced). */
    static final long CLOCK_TOLERANCE_MILLIS = 2_000;

    private final BluezClient client;
    private final ZoneId deviceZone;
    private final Clock clock;

    DeviceSetup(BluezClient client, ZoneId deviceZone, Clock clock) {
        this.client = client;
        this.deviceZone = deviceZone;
        this.clock = clock;
    }

    /** Manufacturer, model and serial from Device Information where offered, and the BLE address. */
    DeviceIdentity identify(DeviceLink link) throws BluezException {
        return new DeviceIdentity(text(link, WellKnownUuids.MANUFACTURER_NAME),
                text(link, WellKnownUuids.MODEL_NUMBER), text(link, WellKnownUuids.SERIAL_NUMBER),
                link.address.toUpperCase(Locale.ROOT), null);
    }

    /** Battery Level (0x2A19) in percent, if offered. */
    Integer batteryPercent(DeviceLink link) throws BluezException {
        String path = link.pathOf(WellKnownUuids.BATTERY_LEVEL);
        if (path == null) {
            return null;
        }
        byte[] value = client.read(path);
        return value.length == 0 ? null : value[0] & 0xFF;
    }

    /** Device clock minus gateway clock from Current Time (0x2A2B), if offered and set. */
    Long clockOffsetMillis(DeviceLink link) throws BluezException {
        String path = link.pathOf(WellKnownUuids.CURRENT_TIME);
        if (path == null) {
            return null;
        }
        Instant sentAt = clock.instant();
        byte[] value = client.read(path);
        Optional<Long> offset = DeviceClock.offsetMillis(value, deviceZone, sentAt, clock.instant());
        return offset.orElse(null);
    }

    /**
     * Writes the gateway's local time (in the device zone) to Current Time, then reads it back.
     *
     * @return the device's offset after the write, or null if the read-back is not a set clock
     */
    Long setClock(DeviceLink link) throws BluezException {
        String path = link.pathOf(WellKnownUuids.CURRENT_TIME);
        if (path == null) {
            return null;
        }
        LocalDateTime now = LocalDateTime.ofInstant(clock.instant(), deviceZone);
        client.write(path, DeviceClock.encode(now, DeviceClock.ADJUST_EXTERNAL_REFERENCE));
        return clockOffsetMillis(link);
    }

    /** StartNotify on every health characteristic the device offers. */
    void enableNotifications(DeviceLink link) throws BluezException {
        for (String path : link.healthCharacteristicPaths()) {
            client.startNotify(path);
        }
    }

    /**
     * StartNotify on Battery Level (0x2A19) where the device offers notifications on it, so that the gateway hears of
     * each change while the connection lasts. Optional: a device refusing it (some want a bonded link for it) is
     * still set up, and its level is read again at its next connection.
     *
     * @return whether the battery now notifies
     * @throws BluezException only when the bus or the device's objects are gone, which ends the set-up anyway
     */
    boolean enableBatteryNotifications(DeviceLink link) throws BluezException {
        String path = link.notifyingPathOf(WellKnownUuids.BATTERY_LEVEL);
        if (path == null) {
            return false;
        }
        try {
            client.startNotify(path);
            return true;
        } catch (BluezException e) {
            if (e.kind() == BluezException.Kind.BUS_LOST || e.kind() == BluezException.Kind.OBJECT_GONE) {
                throw e;
            }
            return false;
        }
    }

    /**
     * Asks a glucose meter for the records after the last one that reached the buffer: "report stored records,
     * sequence number ≥ last + 1", or all records when none is known. The records arrive as 0x2A18 notifications,
     * then the RACP response as an indication.
     *
     * @return whether a request was sent (the device has a RACP and glucose measurements)
     */
    boolean requestStoredRecords(DeviceLink link, Long lastSequence) throws BluezException {
        String racp = link.pathOf(WellKnownUuids.RECORD_ACCESS_CONTROL_POINT);
        if (racp == null || link.pathOf(WellKnownUuids.GLUCOSE_MEASUREMENT) == null) {
            return false;
        }
        client.startNotify(racp);
        client.write(racp, storedRecordsRequest(lastSequence));
        return true;
    }

    /**
     * Asks a pulse oximeter for all its stored PLX Spot-Check Measurements: the Pulse Oximeter Service's RACP knows
     * only the "all records" operator, and its records carry no sequence number. The records arrive as 0x2A5E
     * indications (measurement status bit 9, "data from measurement storage"), then the RACP response.
     *
     * @return whether a request was sent (the device has a RACP and spot-check measurements, and is not a glucose
     *         meter, whose RACP {@link #requestStoredRecords} serves)
     */
    boolean requestStoredSpotChecks(DeviceLink link) throws BluezException {
        String racp = link.pathOf(WellKnownUuids.RECORD_ACCESS_CONTROL_POINT);
        if (racp == null || link.pathOf(WellKnownUuids.PLX_SPOT_CHECK_MEASUREMENT) == null
                || link.pathOf(WellKnownUuids.GLUCOSE_MEASUREMENT) != null) {
            return false;
        }
        client.startNotify(racp);
        client.write(racp, reportAllStoredRecords());
        return true;
    }

    /** Delete Stored Records, all records: only once every record of the transfer is durable in the buffer. */
    void deleteAllStoredRecords(DeviceLink link) throws BluezException {
        String racp = link.pathOf(WellKnownUuids.RECORD_ACCESS_CONTROL_POINT);
        if (racp == null) {
            throw new BluezException(BluezException.Kind.OBJECT_GONE, "no Record Access Control Point", null);
        }
        client.write(racp, deleteAllStoredRecords());
    }

    static byte[] reportAllStoredRecords() {
        return new byte[] {RACP_REPORT_STORED_RECORDS, RACP_ALL_RECORDS};
    }

    static byte[] deleteAllStoredRecords() {
        return new byte[] {RACP_DELETE_STORED_RECORDS, RACP_ALL_RECORDS};
    }

    static byte[] storedRecordsRequest(Long lastSequence) {
        if (lastSequence == null || lastSequence >= 0xFFFF) {
            return new byte[] {RACP_REPORT_STORED_RECORDS, RACP_ALL_RECORDS};
        }
        long from = lastSequence + 1;
        return new byte[] {RACP_REPORT_STORED_RECORDS, RACP_GREATER_OR_EQUAL, RACP_FILTER_SEQUENCE_NUMBER,
            (byte) (from & 0xFF), (byte) (from >> 8)};
    }

    private String text(DeviceLink link, int uuid16) throws BluezException {
        String path = link.pathOf(uuid16);
        return path == null ? null : DeviceText.of(client.read(path));
    }
}
