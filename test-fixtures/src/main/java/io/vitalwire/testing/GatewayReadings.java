package io.vitalwire.testing;

import io.vitalwire.contract.ClockQuality;
import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.contract.MeasurementType;
import io.vitalwire.contract.Reading;
import io.vitalwire.contract.ReadingKey;
import io.vitalwire.contract.ReadingValue;
import io.vitalwire.contract.Source;
import io.vitalwire.contract.Transport;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * Readings as a gateway sends them, with keys built the gateway's way ({@link ReadingKey}), written out by hand for
 * tests that start after the gateway (buffer, uplink, cloud-ingest, the broker): BLE stream samples keyed by receive
 * time (the characteristics carry no timestamp), CoAP spot measurements keyed by the device's own time, stored
 * records keyed by the device's sequence number. Tests that need the gateway's own normalization use its
 * {@code Normalizer} instead.
 */
public final class GatewayReadings {

    private static final Source COAP = new Source(Transport.COAP, "/readings");

    private GatewayReadings() {
    }

    /** A device known by its serial number only, as a CoAP device names itself. */
    public static DeviceIdentity device(String serial) {
        return new DeviceIdentity(null, null, serial, null, null);
    }

    /**
     * The key of a measurement that the device known by {@code serial} dated {@code at} by its own (UTC) clock, e.g.
     * what a simulated CoAP device sent: {@code gateway/sn.serial/t…Z/mdc}.
     */
    public static String deviceTimeKey(String gatewayId, String serial, Instant at, String mdc) {
        return ReadingKey.of(gatewayId, device(serial), null, at.toString(), at, mdc);
    }

    /** A BLE Heart Rate Measurement (2A37) notification received at {@code at}. */
    public static Reading heartRate(String gatewayId, DeviceIdentity device, Instant at, String bpm) {
        return stream(gatewayId, device, at, "2A37", MeasurementType.HEART_RATE, "147842", "8867-4", bpm, "/min");
    }

    /** SpO2 of a BLE PLX Continuous Measurement (2A5F) notification received at {@code at}. */
    public static Reading spo2(String gatewayId, DeviceIdentity device, Instant at, String percent) {
        return stream(gatewayId, device, at, "2A5F", MeasurementType.OXYGEN_SATURATION, "150456", "59408-5", percent,
                "%");
    }

    /** Pulse rate of a BLE PLX Continuous Measurement (2A5F) notification received at {@code at}. */
    public static Reading oximeterPulse(String gatewayId, DeviceIdentity device, Instant at, String bpm) {
        return stream(gatewayId, device, at, "2A5F", MeasurementType.PULSE_RATE, "149530", "8867-4", bpm, "/min");
    }

    /** A body weight from a CoAP scale that sent its own (UTC) time. */
    public static Reading weight(String gatewayId, DeviceIdentity device, Instant at, String kg) {
        String deviceTime = at.toString();
        return new Reading(ReadingKey.of(gatewayId, device, null, deviceTime, at, "188736"),
                MeasurementType.BODY_WEIGHT, "188736", "29463-7",
                List.of(new ReadingValue("188736", "29463-7", new BigDecimal(kg), "kg")), device, null, deviceTime,
                at, at, null, ClockQuality.UNCORRECTED, COAP, List.of());
    }

    /**
     * A body weight record a scale kept in its memory, numbered by the device: records sharing a timestamp stay
     * apart by their sequence numbers (and keys).
     */
    public static Reading storedWeight(String gatewayId, DeviceIdentity device, long sequence, Instant at, String kg) {
        return new Reading(ReadingKey.of(gatewayId, device, sequence, at.toString(), at, "188736"),
                MeasurementType.BODY_WEIGHT, "188736", "29463-7",
                List.of(new ReadingValue("188736", "29463-7", new BigDecimal(kg), "kg")), device, sequence,
                at.toString(), at, at, null, ClockQuality.UNCORRECTED, COAP, List.of());
    }

    /**
     * A glucose meter's record number {@code sequence} without a time of its own (taken and received at {@code at}),
     * over CoAP: keyed by the sequence number.
     */
    public static Reading storedGlucose(String gatewayId, DeviceIdentity meter, long sequence, Instant at,
                                        String mgPerDl) {
        return new Reading(ReadingKey.of(gatewayId, meter, sequence, null, at, "160184"),
                MeasurementType.BLOOD_GLUCOSE, "160184", "2339-0",
                List.of(new ReadingValue("160184", "2339-0", new BigDecimal(mgPerDl), "mg/dL")), meter, sequence,
                null, at, at, null, ClockQuality.RECEIVE_TIME, COAP, List.of());
    }

    private static Reading stream(String gatewayId, DeviceIdentity device, Instant at, String characteristic,
                                  MeasurementType type, String mdc, String loinc, String value, String unit) {
        return new Reading(ReadingKey.of(gatewayId, device, null, null, at, mdc), type, mdc, loinc,
                List.of(new ReadingValue(mdc, loinc, new BigDecimal(value), unit)), device, null, null, at, at, null,
                ClockQuality.RECEIVE_TIME, new Source(Transport.BLE, characteristic), List.of());
    }
}
