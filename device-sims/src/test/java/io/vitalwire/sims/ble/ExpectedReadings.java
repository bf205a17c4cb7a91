package io.vitalwire.sims.ble;

import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.contract.MeasurementType;
import io.vitalwire.contract.ReadingKey;
import io.vitalwire.sims.bluez.SimMeasurement;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The contract readings a simulated device's value must become, written from the specifications and the contract
 * (codes, UCUM units, conversions), not from the gateway's code: the test's oracle.
 */
final class ExpectedReadings {

    /** One expected reading; {@code key} is null for streams, whose key holds the gateway's receive time. */
    record Expected(String key, String ref, MeasurementType type, String mdc, List<Value> values) {
    }

    record Value(String mdc, BigDecimal value, String unit) {
    }

    private static final BigDecimal MMHG_PER_KPA = new BigDecimal("7.50062");

    private final String gatewayId;

    ExpectedReadings(String gatewayId) {
        this.gatewayId = gatewayId;
    }

    /** Distinct measurements among what the devices sent (a re-send is the same measurement), as readings. */
    List<Expected> of(List<SimMeasurement> sent) {
        Map<String, SimMeasurement> distinct = new LinkedHashMap<>();
        for (SimMeasurement m : sent) {
            distinct.putIfAbsent(m.kind() + "/" + Integer.toHexString(m.uuid16()) + "/" + m.index(), m);
        }
        List<Expected> out = new ArrayList<>();
        distinct.values().forEach(m -> out.addAll(of(m)));
        return out;
    }

    List<Expected> of(SimMeasurement m) {
        List<BigDecimal> n = m.numbers();
        String time = m.deviceTime() == null ? null : m.deviceTime().toString();
        String ref = String.format("%04X", m.uuid16());
        return switch (m.uuid16()) {
            case 0x2A37 -> List.of(new Expected(null, ref, MeasurementType.HEART_RATE, "147842",
                    List.of(new Value("147842", n.get(0), "/min"))));
            case 0x2A35 -> {
                DeviceIdentity cuff = device(m);
                List<Value> panel = List.of(new Value("150021", mmHg(n.get(0), m.unit()), "mm[Hg]"),
                        new Value("150022", mmHg(n.get(1), m.unit()), "mm[Hg]"),
                        new Value("150023", mmHg(n.get(2), m.unit()), "mm[Hg]"));
                yield List.of(new Expected(key(cuff, null, time, "150020"), ref, MeasurementType.BLOOD_PRESSURE,
                                "150020", panel),
                        new Expected(key(cuff, null, time, "149546"), ref, MeasurementType.PULSE_RATE, "149546",
                                List.of(new Value("149546", n.get(3), "/min"))));
            }
            case 0x2A1C -> List.of(new Expected(key(device(m), null, time, "150364"), ref,
                    MeasurementType.BODY_TEMPERATURE, "150364", List.of(new Value("150364", n.get(0), "Cel"))));
            case 0x2A9D -> {
                DeviceIdentity scale = device(m);
                yield List.of(
                        new Expected(key(scale, null, time, "188736"), ref, MeasurementType.BODY_WEIGHT, "188736",
                                List.of(new Value("188736", n.get(0), "kg"))),
                        new Expected(key(scale, null, time, "188752"), ref, MeasurementType.BMI, "188752",
                                List.of(new Value("188752", n.get(1), "kg/m2"))),
                        new Expected(key(scale, null, time, "188740"), ref, MeasurementType.BODY_HEIGHT, "188740",
                                List.of(new Value("188740", n.get(2), "m"))));
            }
            case 0x2A18 -> List.of(new Expected(key(device(m), (long) m.index() + 1, time, "160184"),
                    ref, MeasurementType.BLOOD_GLUCOSE, "160184", List.of(new Value("160184", n.get(0), "mg/dL"))));
            case 0x2A5E, 0x2A5F -> {
                DeviceIdentity oximeter = device(m);
                boolean stream = m.uuid16() == 0x2A5F;
                yield List.of(
                        new Expected(stream ? null : key(oximeter, null, time, "150456"), ref,
                                MeasurementType.OXYGEN_SATURATION, "150456",
                                List.of(new Value("150456", n.get(0), "%"))),
                        new Expected(stream ? null : key(oximeter, null, time, "149530"), ref,
                                MeasurementType.PULSE_RATE, "149530", List.of(new Value("149530", n.get(1), "/min"))));
            }
            default -> List.of(); // 2A36, intermediate cuff pressure: display only, never a reading
        };
    }

    private String key(DeviceIdentity device, Long sequence, String deviceTime, String mdc) {
        return ReadingKey.of(gatewayId, device, sequence, deviceTime, null, mdc);
    }

    /**
     * The device as the reading names it: its serial and identity address, and the user index its value carries (255,
     * the unknown user, names none).
     */
    private static DeviceIdentity device(SimMeasurement m) {
        Integer user = m.userIndex() == null || m.userIndex() == 255 ? null : m.userIndex();
        return new DeviceIdentity(m.kind().manufacturer(), m.kind().model(), m.serial(), m.kind().address(), user);
    }

    /** The vital-signs BP profile takes mm[Hg] only: 1 kPa = 7.50062 mmHg, to 0.1 mmHg. */
    private static BigDecimal mmHg(BigDecimal value, String unit) {
        return unit.equals("kPa") ? value.multiply(MMHG_PER_KPA).setScale(1, RoundingMode.HALF_UP) : value;
    }
}
