package io.vitalwire.gateway.ble.bluez;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Optional;

/**
 * The device's clock against the gateway's, from a read of Current Time (0x2A2B): Exact Time 256 (date-time, day of
 * week, 1/256 s fractions) then Adjust Reason. Devices count in local time without a zone, so the reading is
 * placed in the configured device zone.
 */
final class DeviceClock {

    private DeviceClock() {
    }

    /** Adjust Reason bit 1: External Reference Time Update (the gateway's synchronised clock is the reference). */
    static final int ADJUST_EXTERNAL_REFERENCE = 0x02;

    /**
     * The Current Time value for a local date-time: year (uint16), month, day, hours, minutes, seconds, day of week
     * (1 = Monday … 7 = Sunday), fractions (1/256 s), then Adjust Reason.
     */
    static byte[] encode(LocalDateTime t, int adjustReason) {
        return new byte[] {(byte) (t.getYear() & 0xFF), (byte) (t.getYear() >> 8), (byte) t.getMonthValue(),
            (byte) t.getDayOfMonth(), (byte) t.getHour(), (byte) t.getMinute(), (byte) t.getSecond(),
            (byte) t.getDayOfWeek().getValue(), (byte) (t.getNano() / 1_000_000L * 256 / 1000),
            (byte) adjustReason};
    }

    /**
     * Device clock minus gateway clock, in milliseconds.
     *
     * @param sentAt     gateway time just before the read
     * @param receivedAt gateway time just after it; the device answered somewhere in between, so the midpoint is used
     * @return empty if the value is too short or the device's clock is not set (zero year, month or day)
     */
    static Optional<Long> offsetMillis(byte[] currentTime, ZoneId deviceZone, Instant sentAt, Instant receivedAt) {
        if (currentTime == null || currentTime.length < 9) {
            return Optional.empty();
        }
        int year = (currentTime[0] & 0xFF) | (currentTime[1] & 0xFF) << 8;
        int month = currentTime[2] & 0xFF;
        int day = currentTime[3] & 0xFF;
        if (year == 0 || month == 0 || day == 0) {
            return Optional.empty();
        }
        try {
            LocalDateTime local = LocalDateTime.of(year, month, day, currentTime[4] & 0xFF, currentTime[5] & 0xFF,
                    currentTime[6] & 0xFF);
            long fractionMillis = (currentTime[8] & 0xFF) * 1000L / 256;
            Instant device = local.atZone(deviceZone).toInstant().plusMillis(fractionMillis);
            Instant midpoint = sentAt.plusMillis((receivedAt.toEpochMilli() - sentAt.toEpochMilli()) / 2);
            return Optional.of(device.toEpochMilli() - midpoint.toEpochMilli());
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }
}
