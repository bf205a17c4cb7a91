package io.vitalwire.sims.faults;

import io.vitalwire.contract.MeasurementType;
import io.vitalwire.contract.Reading;
import io.vitalwire.contract.Source;
import io.vitalwire.contract.Transport;
import io.vitalwire.gateway.normalize.DeviceMeasurement;
import io.vitalwire.gateway.normalize.MeasuredValue;
import io.vitalwire.gateway.normalize.NormalizationException;
import io.vitalwire.gateway.normalize.Normalizer;
import io.vitalwire.gateway.normalize.Quantity;
import io.vitalwire.testing.GatewayReadings;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Readings of one home as its gateway's own {@link Normalizer} makes them (keys, codes, times), for tests that
 * publish messages themselves: blood pressure with its three values, and a scale's stored records that share a
 * timestamp and differ only by their sequence numbers.
 */
final class HomeMeasurements {

    private static final Source COAP = new Source(Transport.COAP, "/readings");

    private final Normalizer normalizer;

    HomeMeasurements(String gatewayId) {
        this.normalizer = new Normalizer(gatewayId, ZoneOffset.UTC);
    }

    /** A cuff's reading taken at {@code at} by its own clock; values vary with {@code n}. */
    Reading bloodPressure(String serial, Instant at, int n) {
        return normalize(new DeviceMeasurement(GatewayReadings.device(serial), MeasurementType.BLOOD_PRESSURE, List.of(
                new MeasuredValue(Quantity.SYSTOLIC, BigDecimal.valueOf(110 + n % 30), "mm[Hg]"),
                new MeasuredValue(Quantity.DIASTOLIC, BigDecimal.valueOf(70 + n % 15), "mm[Hg]"),
                new MeasuredValue(Quantity.MEAN_ARTERIAL_PRESSURE, BigDecimal.valueOf(85 + n % 20), "mm[Hg]")),
                null, at.toString(), null, COAP, List.of()));
    }

    /** A thermometer's reading in °C, taken at {@code at} by its own clock. */
    Reading temperature(String serial, Instant at, String celsius) {
        return normalize(new DeviceMeasurement(GatewayReadings.device(serial), MeasurementType.BODY_TEMPERATURE,
                List.of(new MeasuredValue(Quantity.BODY_TEMPERATURE, new BigDecimal(celsius), "Cel")), null,
                at.toString(), null, COAP, List.of()));
    }

    /** A glucose meter's reading in mmol/L (the alert rules compare mg/dL), taken at {@code at} by its own clock. */
    Reading glucose(String serial, Instant at, String mmolPerLitre) {
        return normalize(new DeviceMeasurement(GatewayReadings.device(serial), MeasurementType.BLOOD_GLUCOSE,
                List.of(new MeasuredValue(Quantity.GLUCOSE_CAPILLARY, new BigDecimal(mmolPerLitre), "mmol/L")), null,
                at.toString(), null, COAP, List.of()));
    }

    /** A scale's record number {@code sequence}, measured at {@code at}: several records may share the time. */
    Reading storedWeight(String serial, long sequence, Instant at) {
        return normalize(new DeviceMeasurement(GatewayReadings.device(serial), MeasurementType.BODY_WEIGHT, List.of(
                new MeasuredValue(Quantity.BODY_WEIGHT, new BigDecimal("70." + sequence % 10), "kg")),
                sequence, at.toString(), null, COAP, List.of()));
    }

    private Reading normalize(DeviceMeasurement m) {
        try {
            return normalizer.normalize(m, Instant.now());
        } catch (NormalizationException e) {
            throw new IllegalStateException("a test measurement does not normalize", e);
        }
    }
}
