package io.vitalwire.gateway.coap;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.contract.MeasurementType;
import io.vitalwire.contract.ReadingValue;
import io.vitalwire.contract.Source;
import io.vitalwire.contract.Transport;
import io.vitalwire.gateway.normalize.DeviceMeasurement;
import io.vitalwire.gateway.normalize.MeasuredValue;
import io.vitalwire.gateway.normalize.Quantity;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Reads a SenML pack in JSON or CBOR (RFC 8428) from an authenticated device into its measurements: resolves base name, base time, base unit and base
 * value per record, refuses what it must not guess at (unknown must-understand fields, string or boolean values for
 * a measurement, unknown names or units), and gathers the systolic/diastolic/mean records of one moment into one
 * blood-pressure measurement.
 *
 * <p>Hand-written because no maintained Java SenML library exists on Maven Central; the format is small.
 */
final class SenmlPackReader {

    /** RFC 8428 §4.5.3: times below 2^28 seconds are relative to now. */
    private static final BigDecimal RELATIVE_TIME_LIMIT = BigDecimal.valueOf(1L << 28);

    /**
     * Longest number text Jackson reads at all, checked before it parses one: the widest number
     * {@link #number} lets through (20 digits, a sign, a point, an exponent) fits in it.
     */
    static final int MAX_NUMBER_CHARS = 32;
    private static final StreamReadConstraints NUMBERS = StreamReadConstraints.builder()
            .maxNumberLength(MAX_NUMBER_CHARS).build();

    /** The times a device time can have in the contract: four-digit years (0001-01-01 to 9999-12-31). */
    private static final BigDecimal FIRST_SECOND = BigDecimal.valueOf(Instant.parse("0001-01-01T00:00:00Z")
            .getEpochSecond());
    private static final BigDecimal LAST_SECOND = BigDecimal.valueOf(Instant.parse("9999-12-31T23:59:59Z")
            .getEpochSecond());

    private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder().streamReadConstraints(NUMBERS)
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    /** Floats stay binary here: SenmlCborLabels turns each into its shortest decimal. */
    private static final ObjectMapper CBOR = CBORMapper.builder(CBORFactory.builder().streamReadConstraints(NUMBERS)
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    private final String resourcePath;

    SenmlPackReader(String resourcePath) {
        this.resourcePath = resourcePath;
    }

    /** A SenML JSON pack (content format 110) from the authenticated device. */
    List<DeviceMeasurement> readJson(byte[] payload, Instant now, DeviceIdentity device) throws SenmlException {
        return read(parse(JSON, payload), now, device);
    }

    /** A SenML CBOR pack (content format 112): the same records with the integer labels of RFC 8428 §6. */
    List<DeviceMeasurement> readCbor(byte[] payload, Instant now, DeviceIdentity device) throws SenmlException {
        return read(SenmlCborLabels.toNames(parse(CBOR, payload)), now, device);
    }

    private List<DeviceMeasurement> read(JsonNode pack, Instant now, DeviceIdentity authenticated)
            throws SenmlException {
        Map<GroupKey, Group> groups = new LinkedHashMap<>();
        String baseName = "";
        BigDecimal baseTime = BigDecimal.ZERO;
        boolean hasBaseTime = false;
        String baseUnit = null;
        BigDecimal baseValue = null;
        int index = 0;
        for (JsonNode record : pack) {
            String where = "record " + index++;
            if (!record.isObject()) {
                throw new SenmlException(where + " is not a JSON object");
            }
            rejectMustUnderstand(record, where);
            if (record.has("bn")) {
                baseName = text(record, "bn", where);
            }
            if (record.has("bt")) {
                baseTime = number(record, "bt", where);
                hasBaseTime = true;
            }
            if (record.has("bu")) {
                baseUnit = text(record, "bu", where);
            }
            if (record.has("bv")) {
                baseValue = number(record, "bv", where);
            }
            if (record.has("vs") || record.has("vb") || record.has("vd")) {
                throw new SenmlException(where + ": only numeric values ('v') are measurements");
            }
            if (!record.has("v") && !record.has("n")) {
                continue; // a record that only sets base fields
            }
            String name = baseName + (record.has("n") ? text(record, "n", where) : "");
            if (!record.has("v")) {
                throw new SenmlException(where + " (" + measurementName(name) + "): missing value 'v'");
            }
            // Added only when sent: a sum takes the larger scale, so 0 + 1E+20 would be 21 digits, not the 1E+20 sent.
            BigDecimal value = number(record, "v", where);
            value = baseValue == null ? value : baseValue.add(value);
            String unit = record.has("u") ? text(record, "u", where) : baseUnit;
            boolean timed = hasBaseTime || record.has("t");
            BigDecimal time = baseTime.add(record.has("t") ? number(record, "t", where) : BigDecimal.ZERO);
            add(groups, authenticated, name, value, unit, timed ? deviceTime(time, now, where) : null, where);
        }
        if (groups.isEmpty()) {
            throw new SenmlException("the pack holds no measurement");
        }
        List<DeviceMeasurement> measurements = new ArrayList<>(groups.size());
        for (Group g : groups.values()) {
            List<MeasuredValue> values = g.type == MeasurementType.PULSE_RATE && measuredSpo2(groups, g)
                    ? List.of(new MeasuredValue(Quantity.PULSE_RATE_OXIMETER, g.values.get(0).value(),
                            g.values.get(0).unit()))
                    : g.values;
            measurements.add(new DeviceMeasurement(g.device, g.type, values, null, g.deviceTime, null,
                    new Source(Transport.COAP, resourcePath), List.of()));
        }
        return measurements;
    }

    /**
     * A pulse rate sent with an SpO2 of the same device and moment was measured by the oximeter, which has its own
     * MDC code (149530) apart from a cuff's pulse (149546).
     */
    private static boolean measuredSpo2(Map<GroupKey, Group> groups, Group pulse) {
        return groups.values().stream().anyMatch(g -> g.type == MeasurementType.OXYGEN_SATURATION
                && g.device.equals(pulse.device) && Objects.equals(g.deviceTime, pulse.deviceTime));
    }

    private record GroupKey(DeviceIdentity device, MeasurementType type, String deviceTime, String name) {
    }

    private static final class Group {
        final DeviceIdentity device;
        final MeasurementType type;
        final String deviceTime;
        final List<MeasuredValue> values = new ArrayList<>();

        Group(DeviceIdentity device, MeasurementType type, String deviceTime) {
            this.device = device;
            this.type = type;
            this.deviceTime = deviceTime;
        }
    }

    private static void add(Map<GroupKey, Group> groups, DeviceIdentity device, String name, BigDecimal value,
                            String unit, String deviceTime, String where) throws SenmlException {
        int split = name.lastIndexOf(':');
        if (split >= 0) {
            // A device may name itself, but only as the device its key proves it is.
            DeviceIdentity named = device(name.substring(0, split), where);
            if (!sameDevice(named, device)) {
                throw new SenmlException(where + ": the pack names another device than the one authenticated",
                        true);
            }
        }
        String measurement = name.substring(split + 1);
        SenmlNames.Meaning meaning = SenmlNames.meaning(measurement).orElseThrow(
                () -> new SenmlException(where + ": unknown measurement name '" + measurement + "'"));
        if (unit == null) {
            throw new SenmlException(where + " (" + measurement + "): missing unit");
        }
        String ucum = SenmlNames.ucum(unit).orElseThrow(
                () -> new SenmlException(where + " (" + measurement + "): unknown unit '" + unit + "'"));
        // The components of one blood-pressure measurement share device and time; anything else stands alone.
        String distinct = meaning.type() == MeasurementType.BLOOD_PRESSURE ? "" : measurement + "#" + where;
        Group group = groups.computeIfAbsent(new GroupKey(device, meaning.type(), deviceTime, distinct),
                k -> new Group(device, meaning.type(), deviceTime));
        if (group.values.stream().anyMatch(v -> v.quantity() == meaning.quantity())) {
            throw new SenmlException(where + ": '" + measurement + "' appears twice for the same device and time");
        }
        group.values.add(new MeasuredValue(meaning.quantity(), value, ucum));
    }

    private static boolean sameDevice(DeviceIdentity named, DeviceIdentity authenticated) {
        return (named.serial() != null && named.serial().equals(authenticated.serial()))
                || (named.address() != null && named.address().equals(authenticated.address()));
    }

    /** RFC 9039 device URNs: {@code urn:dev:sn:<serial>} or {@code urn:dev:mac:<12 hex digits>}. */
    private static DeviceIdentity device(String urn, String where) throws SenmlException {
        if (urn.startsWith("urn:dev:sn:") && urn.length() > "urn:dev:sn:".length()) {
            try {
                return new DeviceIdentity(null, null, urn.substring("urn:dev:sn:".length()), null, null);
            } catch (IllegalArgumentException e) {
                throw new SenmlException(where + ": bad serial in '" + urn + "'");
            }
        }
        if (urn.startsWith("urn:dev:mac:") && urn.substring("urn:dev:mac:".length()).matches("[0-9A-Fa-f]{12}")) {
            String hex = urn.substring("urn:dev:mac:".length()).toUpperCase(Locale.ROOT);
            StringBuilder address = new StringBuilder();
            for (int i = 0; i < 12; i += 2) {
                address.append(i == 0 ? "" : ":").append(hex, i, i + 2);
            }
            return new DeviceIdentity(null, null, null, address.toString(), null);
        }
        throw new SenmlException(where + ": '" + urn + "' is not a device URN (urn:dev:sn:… or urn:dev:mac:…)");
    }

    /**
     * The record's time as an ISO instant. A time the contract cannot carry (a year beyond 9999 or before 1) is no
     * clock reading at all, so it is refused; any other time, however wrong, is the device's to report and the
     * normalizer's to judge.
     */
    private static String deviceTime(BigDecimal seconds, Instant now, String where) throws SenmlException {
        boolean relative = seconds.compareTo(RELATIVE_TIME_LIMIT) < 0;
        BigDecimal absolute = relative ? seconds.add(BigDecimal.valueOf(now.getEpochSecond())) : seconds;
        if (absolute.compareTo(FIRST_SECOND) < 0 || absolute.compareTo(LAST_SECOND) > 0) {
            throw new SenmlException(where + ": time 't' resolves outside the years 1 to 9999");
        }
        long millis = seconds.movePointRight(3).longValue();
        return (relative ? now.plusMillis(millis) : Instant.ofEpochMilli(millis)).toString();
    }

    private static JsonNode parse(ObjectMapper mapper, byte[] payload) throws SenmlException {
        try {
            JsonNode pack = mapper.readTree(payload);
            if (pack == null || !pack.isArray() || pack.isEmpty()) {
                throw new SenmlException("a SenML pack is a non-empty JSON array");
            }
            return pack;
        } catch (JsonProcessingException e) {
            throw new SenmlException("malformed " + (mapper == CBOR ? "CBOR" : "JSON") + ": " + e.getOriginalMessage());
        } catch (NumberFormatException e) {
            // Jackson reads floats as BigDecimal here and refuses, unchecked, an exponent beyond int (-1E2033333…):
            // the input's fault like any malformed number (found by SenmlPackFuzzTest).
            throw new SenmlException("malformed " + (mapper == CBOR ? "CBOR" : "JSON") + ": a number out of range");
        } catch (IOException e) {
            throw new SenmlException("unreadable payload");
        }
    }

    private static void rejectMustUnderstand(JsonNode record, String where) throws SenmlException {
        for (Iterator<String> names = record.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (field.endsWith("_")) {
                throw new SenmlException(where + ": must-understand field '" + field + "' is not supported");
            }
        }
    }

    private static String text(JsonNode record, String field, String where) throws SenmlException {
        JsonNode node = record.get(field);
        if (!node.isTextual()) {
            throw new SenmlException(where + ": '" + field + "' must be a string");
        }
        return node.asText();
    }

    /**
     * A number within the bounds of a reading's value ({@link ReadingValue#MAX_DIGITS} significant digits, decimal
     * exponent within {@link ReadingValue#MAX_SCALE}), checked before any arithmetic: {@code 1e3000000} is nine
     * bytes, and adding it to a base value once made three million digits (seconds of CPU, megabytes of message).
     */
    private static BigDecimal number(JsonNode record, String field, String where) throws SenmlException {
        JsonNode node = record.get(field);
        if (!node.isNumber()) {
            throw new SenmlException(where + ": '" + field + "' must be a number");
        }
        BigDecimal number = Objects.requireNonNull(node.decimalValue());
        if (!ReadingValue.representable(number)) {
            throw new SenmlException(where + ": '" + field + "' exceeds the bounds of a SenML number here ("
                    + ReadingValue.MAX_DIGITS + " significant digits, decimal exponent within +-"
                    + ReadingValue.MAX_SCALE + ")");
        }
        return number;
    }

    private static String measurementName(String name) {
        return name.substring(name.lastIndexOf(':') + 1);
    }
}
