package io.vitalwire.gateway.ble.gatt;

import java.util.Arrays;
import java.util.Optional;

/** The health characteristics the gateway decodes, by their 16-bit UUID. */
public enum HealthCharacteristic {
    HEART_RATE_MEASUREMENT(0x2A37, HeartRateMeasurement::decode),
    BLOOD_PRESSURE_MEASUREMENT(0x2A35, BloodPressureMeasurement::decode),
    INTERMEDIATE_CUFF_PRESSURE(0x2A36, IntermediateCuffPressure::decode),
    TEMPERATURE_MEASUREMENT(0x2A1C, TemperatureMeasurement::decode),
    WEIGHT_MEASUREMENT(0x2A9D, WeightMeasurement::decode),
    GLUCOSE_MEASUREMENT(0x2A18, GlucoseMeasurement::decode),
    GLUCOSE_MEASUREMENT_CONTEXT(0x2A34, GlucoseMeasurementContext::decode),
    PLX_SPOT_CHECK_MEASUREMENT(0x2A5E, PlxSpotCheckMeasurement::decode),
    PLX_CONTINUOUS_MEASUREMENT(0x2A5F, PlxContinuousMeasurement::decode);

    private interface Decoder {
        GattMeasurement decode(byte[] value) throws GattDecodeException;
    }

    private final int uuid16;
    private final String hex;
    private final Decoder decoder;

    HealthCharacteristic(int uuid16, Decoder decoder) {
        this.uuid16 = uuid16;
        this.hex = String.format("%04X", uuid16);
        this.decoder = decoder;
    }

    public int uuid16() {
        return uuid16;
    }

    /** "2A35": how the contract's {@code source.ref} and the {@code decode} command name it. */
    public String hex() {
        return hex;
    }

    /**
     * Decodes one characteristic value. RFU flag bits are ignored and octets after the last field the flags define
     * are skipped, as the Bluetooth specifications require of a receiver.
     *
     * @throws GattDecodeException if a field the flags announce is missing; the message names it
     */
    public GattMeasurement decode(byte[] value) throws GattDecodeException {
        return decoder.decode(value);
    }

    /**
     * Whether its values are the samples of a continuous stream (a strap's heart rate, an oximeter's continuous
     * measurement) rather than one measurement a patient took: cloud-ingest windows them and alerts on them only when
     * sustained ({@code rules.continuous-sources}), and the intake commits them in groups.
     */
    public boolean continuous() {
        return this == HEART_RATE_MEASUREMENT || this == PLX_CONTINUOUS_MEASUREMENT;
    }

    public static Optional<HealthCharacteristic> of(int uuid16) {
        return Arrays.stream(values()).filter(c -> c.uuid16 == uuid16).findFirst();
    }
}
