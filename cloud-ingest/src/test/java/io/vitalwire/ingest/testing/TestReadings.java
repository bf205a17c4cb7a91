package io.vitalwire.ingest.testing;

import io.vitalwire.contract.Channel;
import io.vitalwire.contract.ClockQuality;
import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.contract.MeasurementType;
import io.vitalwire.contract.Reading;
import io.vitalwire.contract.ReadingBatch;
import io.vitalwire.contract.ReadingKey;
import io.vitalwire.contract.ReadingValue;
import io.vitalwire.contract.Source;
import io.vitalwire.contract.Topic;
import io.vitalwire.contract.Transport;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * Readings as a gateway sends them, with keys built the gateway's way ({@link ReadingKey}): BLE stream samples keyed
 * by receive time (the characteristics carry no timestamp), CoAP spot measurements keyed by device time.
 */
public final class TestReadings {

    private static final ContractCodec CODEC = new ContractCodec();

    private TestReadings() {
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
                at, at, null, ClockQuality.UNCORRECTED, new Source(Transport.COAP, "/readings"), List.of());
    }

    /**
     * A body weight record a scale kept in its memory, numbered by the device: records sharing a timestamp stay
     * apart by their sequence numbers (and keys).
     */
    public static Reading storedWeight(String gatewayId, DeviceIdentity device, long sequence, Instant at, String kg) {
        return new Reading(ReadingKey.of(gatewayId, device, sequence, at.toString(), at, "188736"),
                MeasurementType.BODY_WEIGHT, "188736", "29463-7",
                List.of(new ReadingValue("188736", "29463-7", new BigDecimal(kg), "kg")), device, sequence,
                at.toString(), at, at, null, ClockQuality.UNCORRECTED, new Source(Transport.COAP, "/readings"),
                List.of());
    }

    public static DeviceIdentity serial(String serial) {
        return new DeviceIdentity(null, null, serial, null, null);
    }

    public static String topic(String gatewayId) {
        return Topic.of("test", gatewayId, Channel.READINGS).path();
    }

    /** The MQTT payload a gateway would publish. */
    public static byte[] batch(String gatewayId, List<Reading> readings) {
        return CODEC.encode(ReadingBatch.of(gatewayId, Instant.now(), readings));
    }

    private static Reading stream(String gatewayId, DeviceIdentity device, Instant at, String characteristic,
                                  MeasurementType type, String mdc, String loinc, String value, String unit) {
        return new Reading(ReadingKey.of(gatewayId, device, null, null, at, mdc), type, mdc, loinc,
                List.of(new ReadingValue(mdc, loinc, new BigDecimal(value), unit)), device, null, null, at, at, null,
                ClockQuality.RECEIVE_TIME, new Source(Transport.BLE, characteristic), List.of());
    }
}
