package io.vitalwire.contract;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One measurement, as the gateway accepted it. Immutable from here on: every hop downstream stores, retries and
 * deduplicates it by its {@link #key()}.
 *
 * @param key               idempotency key, born once at normalization ({@link ReadingKey}); the same device record
 *                          always gets the same key, however often it is re-sent
 * @param type              the coarse kind of measurement
 * @param mdc               IEEE 11073-10101 code of the measurement as a whole (e.g. 150020 for the BP panel)
 * @param loinc             LOINC code of the measurement as a whole, where one exists; optional
 * @param values            the measured quantities (one, or the components of a panel)
 * @param device            the measuring device and user
 * @param sequence          the device's record sequence number (glucose, stored records); optional
 * @param deviceTime        the device's own timestamp as it encoded it: a local date-time without zone for BLE
 *                          devices ("2026-11-23T11:15:00"), a UTC instant for devices that send one (SenML,
 *                          "2026-11-23T10:15:00Z"); optional
 * @param measuredAt        when the measurement was taken, in UTC, as the gateway decided from deviceTime, the clock
 *                          offset and its own clock (see {@link ClockQuality})
 * @param receivedAt        when the gateway received it, in UTC, by the gateway's clock
 * @param clockOffsetMillis device clock minus gateway clock, as measured when the device connected; optional
 * @param clockQuality      how measuredAt was derived
 * @param source            the characteristic or resource it came from
 * @param flags             device-reported conditions that qualify the value, e.g. "irregular-pulse"; may be empty
 */
public record Reading(
        String key,
        MeasurementType type,
        String mdc,
        String loinc,
        List<ReadingValue> values,
        DeviceIdentity device,
        Long sequence,
        String deviceTime,
        Instant measuredAt,
        Instant receivedAt,
        Long clockOffsetMillis,
        ClockQuality clockQuality,
        Source source,
        List<String> flags) {

    public static final int MAX_VALUES = 16;
    /**
     * The most one reading takes encoded ({@link ContractCodec#encodeReading}): far below a message's
     * {@link ContractCodec#MAX_MESSAGE_BYTES}, so that no single reading can fill or exceed a message. Every field is
     * bounded (values by {@link ReadingValue#MAX_DIGITS}, texts by their patterns), so no reading this record accepts
     * comes near it; {@code ContractCodecTest} encodes the largest one.
     */
    public static final int MAX_ENCODED_BYTES = 16 * 1024;
    private static final Pattern FLAG = Pattern.compile("[a-z0-9-]{1,40}");
    /** As the JSON Schema has it: a four-digit year, so no device time beyond 9999 or before year 0. */
    private static final Pattern DEVICE_TIME = Pattern.compile(
            "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?Z?");

    public Reading {
        FieldViolation.matching("key", key, ReadingKey.PATTERN);
        FieldViolation.required("type", type);
        FieldViolation.matching("mdc", mdc, ReadingValue.MDC);
        if (loinc != null) {
            FieldViolation.matching("loinc", loinc, ReadingValue.LOINC);
        }
        values = List.copyOf(FieldViolation.nonEmpty("values", values, MAX_VALUES));
        FieldViolation.required("device", device);
        if (sequence != null && sequence < 0) {
            throw FieldViolation.invalid("sequence", "must not be negative");
        }
        if (deviceTime != null) {
            requireLocalDateTime(deviceTime);
        }
        FieldViolation.required("measuredAt", measuredAt);
        FieldViolation.required("receivedAt", receivedAt);
        FieldViolation.required("clockQuality", clockQuality);
        FieldViolation.required("source", source);
        flags = flags == null || flags.isEmpty() ? List.of() : List.copyOf(FieldViolation.nonEmpty("flags", flags, 32));
        for (String flag : flags) {
            FieldViolation.matching("flags", flag, FLAG);
        }
    }

    private static void requireLocalDateTime(String deviceTime) {
        if (!DEVICE_TIME.matcher(deviceTime).matches()) {
            throw FieldViolation.invalid("deviceTime", "'" + deviceTime + "' is not an ISO local date-time or instant"
                    + " with a four-digit year");
        }
        try {
            ReadingKey.compact(deviceTime);
        } catch (DateTimeParseException e) {
            throw FieldViolation.invalid("deviceTime", "'" + deviceTime + "' is neither an ISO local date-time nor an"
                    + " ISO instant");
        }
    }
}
