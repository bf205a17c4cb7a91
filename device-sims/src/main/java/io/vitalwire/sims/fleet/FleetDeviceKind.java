package io.vitalwire.sims.fleet;

import io.vitalwire.contract.MeasurementType;
import io.vitalwire.contract.Source;
import io.vitalwire.contract.Transport;
import io.vitalwire.gateway.normalize.MeasuredValue;
import io.vitalwire.gateway.normalize.Quantity;
import java.math.BigDecimal;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The devices a fleet's hubs carry, each with the measurement its BLE characteristic gives the gateway's decoder
 * (type, quantities, units) and values a patient in a remote monitoring programme has: normal ones, and for the kinds
 * that can, one that crosses cloud-ingest's default critical threshold.
 */
public enum FleetDeviceKind {
    BP_CUFF("2A35", MeasurementType.BLOOD_PRESSURE, false, "CUF"),
    SCALE("2A9D", MeasurementType.BODY_WEIGHT, false, "SCL"),
    THERMOMETER("2A1C", MeasurementType.BODY_TEMPERATURE, false, "THM"),
    GLUCOSE_METER("2A18", MeasurementType.BLOOD_GLUCOSE, false, "GLU"),
    /** A spot check (PLX spot-check characteristic), not the continuous 2A5F stream. */
    PULSE_OXIMETER("2A5E", MeasurementType.OXYGEN_SATURATION, false, "OXI"),
    HR_STRAP("2A37", MeasurementType.HEART_RATE, true, "HRS");

    private final String characteristic;
    private final MeasurementType type;
    private final boolean continuous;
    private final String serialTag;

    FleetDeviceKind(String characteristic, MeasurementType type, boolean continuous, String serialTag) {
        this.characteristic = characteristic;
        this.type = type;
        this.continuous = continuous;
        this.serialTag = serialTag;
    }

    public boolean continuous() {
        return continuous;
    }

    MeasurementType type() {
        return type;
    }

    Source source() {
        return new Source(Transport.BLE, characteristic);
    }

    /** A short tag for the device's serial. */
    String serialTag() {
        return serialTag;
    }

    /** Whether this kind has a value that alerts (weight gain needs days of history; a strap streams normally). */
    boolean alerts() {
        return this == BP_CUFF || this == THERMOMETER || this == GLUCOSE_METER || this == PULSE_OXIMETER;
    }

    /** The values of one measurement: normal, or past the critical threshold when {@code alerting}. */
    List<MeasuredValue> values(RandomGenerator random, boolean alerting) {
        return switch (this) {
            case BP_CUFF -> {
                int systolic = alerting ? 185 + random.nextInt(10) : 112 + random.nextInt(26);
                int diastolic = 70 + random.nextInt(18);
                yield List.of(value(Quantity.SYSTOLIC, systolic, "mm[Hg]"),
                        value(Quantity.DIASTOLIC, diastolic, "mm[Hg]"),
                        value(Quantity.MEAN_ARTERIAL_PRESSURE, (systolic + 2 * diastolic) / 3, "mm[Hg]"));
            }
            case SCALE -> List.of(new MeasuredValue(Quantity.BODY_WEIGHT,
                    BigDecimal.valueOf(600 + random.nextInt(350), 1), "kg"));
            case THERMOMETER -> List.of(new MeasuredValue(Quantity.BODY_TEMPERATURE,
                    BigDecimal.valueOf(alerting ? 400 + random.nextInt(8) : 362 + random.nextInt(8), 1), "Cel"));
            case GLUCOSE_METER -> List.of(value(Quantity.GLUCOSE_CAPILLARY,
                    alerting ? 42 + random.nextInt(8) : 88 + random.nextInt(60), "mg/dL"));
            case PULSE_OXIMETER -> List.of(value(Quantity.SPO2, alerting ? 82 + random.nextInt(4)
                    : 95 + random.nextInt(5), "%"));
            case HR_STRAP -> List.of(value(Quantity.HEART_RATE, 62 + random.nextInt(30), "/min"));
        };
    }

    private static MeasuredValue value(Quantity quantity, int value, String unit) {
        return new MeasuredValue(quantity, BigDecimal.valueOf(value), unit);
    }
}
