package io.vitalwire.sims.bluez;

import io.vitalwire.sims.vitals.Vitals;
import static io.vitalwire.sims.bluez.GattProperties.INDICATE;
import static io.vitalwire.sims.bluez.GattProperties.NOTIFY;
import static io.vitalwire.sims.bluez.GattProperties.READ;
import static io.vitalwire.sims.bluez.GattProperties.WRITE;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The kinds of BLE health devices the simulated BlueZ offers, each with its GATT layout (Bluetooth SIG services
 * and characteristics) and the values it measures: numbered and timestamped so that every reading has a stable key.
 * The first six are a household's ({@link #HOUSEHOLD}); the rest are there for the security tests: a neighbour's
 * cuff claiming the household cuff's serial and a thermometer with LE privacy.
 */
public enum SimDeviceKind {
    HEART_RATE_STRAP("C0:1D:00:00:00:01", "HRS-0001", "Strap 1", Duration.ZERO, false,
            Map.of(0x180D, new int[][] {{0x2A37, NOTIFY}})),
    BLOOD_PRESSURE_CUFF("C0:1D:00:00:00:02", "BPC-0002", "Cuff 2", Duration.ofSeconds(90), true,
            Map.of(0x1810, new int[][] {{0x2A35, INDICATE}, {0x2A36, NOTIFY}})),
    THERMOMETER("C0:1D:00:00:00:03", "THM-0003", "Thermo 3", Duration.ZERO, true,
            Map.of(0x1809, new int[][] {{0x2A1C, INDICATE}})),
    SCALE("C0:1D:00:00:00:04", "SCL-0004", "Scale 4", Duration.ZERO, true,
            Map.of(0x181D, new int[][] {{0x2A9D, INDICATE}})),
    GLUCOSE_METER("C0:1D:00:00:00:05", "GLU-0005", "Meter 5", Duration.ZERO, true,
            Map.of(0x1808, new int[][] {{0x2A18, NOTIFY}, {0x2A34, NOTIFY}, {0x2A52, WRITE | INDICATE}})),
    PULSE_OXIMETER("C0:1D:00:00:00:06", "PLX-0006", "Oxi 6", Duration.ZERO, true,
            Map.of(0x1822, new int[][] {{0x2A5E, INDICATE}, {0x2A5F, NOTIFY}, {0x2A52, WRITE | INDICATE}})),
    /**
     * A second household oximeter, worn on the wrist (spot checks and a continuous stream): two patients of one home
     * each with their own, as in the demo's scenarios.
     */
    WRIST_OXIMETER("C0:1D:00:00:00:16", "PLX-0016", "Wrist Oxi 16", Duration.ZERO, true,
            Map.of(0x1822, new int[][] {{0x2A5E, INDICATE}, {0x2A5F, NOTIFY}, {0x2A52, WRITE | INDICATE}})),
    /**
     * A neighbour's cuff within range that claims the household cuff's serial (BPC-0002) in its Device Information:
     * the same model, another address. Served by nobody's allow-list here; it must never be connected.
     */
    NEIGHBOUR_CUFF("C0:1D:00:00:00:12", "BPC-0002", "Cuff 2", Duration.ZERO, true,
            Map.of(0x1810, new int[][] {{0x2A35, INDICATE}, {0x2A36, NOTIFY}})),
    /**
     * A thermometer with LE privacy: it advertises under a resolvable private address made with its IRK
     * ({@link #irk()}), and BlueZ presents it under its identity address (this one) once bonded.
     */
    PRIVATE_THERMOMETER("C0:1D:00:00:00:08", "THM-0008", "Thermo 8", Duration.ZERO, true,
            Map.of(0x1809, new int[][] {{0x2A1C, INDICATE}}));

    /**
     * The private thermometer's Identity Resolving Key, most significant octet first: the Core specification's
     * sample IRK (Vol 3 Part H, Appendix D), so its first private address is the specification's sample too.
     */
    static final String PRIVATE_THERMOMETER_IRK = "ec0234a357c8ad05341010a60a397d9b";

    /** The six kinds of a household, one of each health service. */
    public static final java.util.Set<SimDeviceKind> HOUSEHOLD = java.util.Collections.unmodifiableSet(
            java.util.EnumSet.range(HEART_RATE_STRAP, PULSE_OXIMETER));

    /** The first measurement's device time; each later one is a minute later. */
    static final LocalDateTime FIRST_MEASUREMENT = LocalDateTime.of(2026, 3, 1, 8, 0, 0);

    private final String address;
    private final String serial;
    private final String model;
    private final Duration clockDrift;
    private final boolean currentTime;
    private final Map<Integer, int[][]> healthServices;

    SimDeviceKind(String address, String serial, String model, Duration clockDrift, boolean currentTime,
                  Map<Integer, int[][]> healthServices) {
        this.address = address;
        this.serial = serial;
        this.model = model;
        this.clockDrift = clockDrift;
        this.currentTime = currentTime;
        this.healthServices = healthServices;
    }

    public String address() {
        return address;
    }

    public String serial() {
        return serial;
    }

    public String model() {
        return model;
    }

    /** The Identity Resolving Key of a device with LE privacy (32 hex digits), else null. */
    public String irk() {
        return this == PRIVATE_THERMOMETER ? PRIVATE_THERMOMETER_IRK : null;
    }

    /** The user index a multi-user kind puts in its values unless a scenario sets others; null for the rest. */
    Integer defaultUser() {
        return switch (this) {
            case BLOOD_PRESSURE_CUFF, NEIGHBOUR_CUFF -> 1;
            case SCALE -> 2;
            default -> null;
        };
    }

    /** A pulse oximeter (Pulse Oximeter Service, with its own RACP for stored spot-checks). */
    boolean oximeter() {
        return this == PULSE_OXIMETER || this == WRIST_OXIMETER;
    }

    public String manufacturer() {
        return "Vitalwire Sims";
    }

    /** How far the device's clock is ahead of true local time (read through Current Time). */
    public Duration clockDrift() {
        return clockDrift;
    }

    /** Services (16-bit UUID) → characteristics {uuid16, properties}: the health services plus DIS, Battery, CTS. */
    Map<Integer, int[][]> services() {
        Map<Integer, int[][]> all = new java.util.LinkedHashMap<>();
        all.put(0x180A, new int[][] {{0x2A29, READ}, {0x2A24, READ}, {0x2A25, READ}});
        all.put(0x180F, new int[][] {{0x2A19, READ | NOTIFY}});
        if (currentTime) {
            // Writable, as the Current Time Service allows: a write sets the device's clock.
            all.put(0x1805, new int[][] {{0x2A2B, READ | WRITE | NOTIFY}});
        }
        all.putAll(healthServices);
        return all;
    }

    List<Integer> advertisedServices() {
        return List.copyOf(healthServices.keySet());
    }

    /**
     * What the device measures the {@code index}-th time, as the values it will send.
     *
     * @param serial the device's serial; {@code user} the user index it puts in the value (cuff and scale)
     */
    List<SimMeasurement> measure(int index, String serial, Integer user) {
        LocalDateTime t = FIRST_MEASUREMENT.plusMinutes(index);
        List<SimMeasurement> out = new ArrayList<>(2);
        switch (this) {
            case HEART_RATE_STRAP -> {
                int hr = 60 + index % 40;
                // Flags: uint8 value, sensor contact supported and detected, one RR-interval.
                byte[] v = new GattValues().uint8(0x16).uint8(hr).uint16(1024 * 60 / hr).bytes();
                out.add(m(0x2A37, index, null, List.of(dec(hr, 0)), "/min", v, false, serial, null));
            }
            case BLOOD_PRESSURE_CUFF, NEIGHBOUR_CUFF -> {
                boolean kpa = index % 3 == 2;
                int status = index % 4 == 1 ? 0x0004 : 0; // irregular pulse detected
                GattValues v = new GattValues().uint8(0x1E | (kpa ? 0x01 : 0));
                List<BigDecimal> numbers;
                if (kpa) {
                    v.sfloat(160 + index, -1).sfloat(100, -1).sfloat(120, -1);
                    numbers = List.of(dec(160 + index, 1), dec(100, 1), dec(120, 1), dec(64 + index, 0));
                } else {
                    v.sfloat(118 + index, 0).sfloat(76 + index % 5, 0).sfloat(90, 0);
                    numbers = List.of(dec(118 + index, 0), dec(76 + index % 5, 0), dec(90, 0),
                            dec(64 + index, 0));
                }
                v.dateTime(t).sfloat(64 + index, 0).uint8(user).uint16(status);
                // The cuff shows its pressure while inflating: display only, never a reading.
                for (int p = 40; p <= 160; p += 60) {
                    byte[] cuff = new GattValues().uint8(0x00).sfloat(p, 0).uint16(0x07FF).uint16(0x07FF)
                            .bytes();
                    out.add(m(0x2A36, index, null, List.of(dec(p, 0)), "mmHg", cuff, false, serial, null));
                }
                out.add(m(0x2A35, index, t, numbers, kpa ? "kPa" : "mmHg", v.bytes(), true, serial, user));
            }
            case THERMOMETER, PRIVATE_THERMOMETER -> {
                byte[] v = new GattValues().uint8(0x06).float32(365 + index, -1).dateTime(t).uint8(2).bytes();
                out.add(m(0x2A1C, index, t, List.of(dec(365 + index, 1)), "Cel", v, true, serial, null));
            }
            case SCALE -> {
                int raw = 14000 + 10 * index;
                byte[] v = new GattValues().uint8(0x0E).uint16(raw).dateTime(t).uint8(user).uint16(229)
                        .uint16(1750).bytes();
                out.add(m(0x2A9D, index, t, List.of(new BigDecimal("0.005").multiply(BigDecimal.valueOf(raw)),
                        dec(229, 1), dec(1750, 3)), "kg", v, true, serial, user));
            }
            case GLUCOSE_METER -> {
                // Sequence number index + 1, time offset 0, concentration in kg/L (95 + index mg/dL), capillary
                // whole blood from a finger.
                byte[] v = new GattValues().uint8(0x03).uint16(index + 1).dateTime(t).uint16(0)
                        .sfloat(95 + index, -5).uint8(0x11).bytes();
                out.add(m(0x2A18, index, t, List.of(dec(95 + index, 0)), "mg/dL", v, true, serial, null));
            }
            case PULSE_OXIMETER, WRIST_OXIMETER -> {
                int spo2 = 97 - index % 3;
                byte[] spot = new GattValues().uint8(0x01).sfloat(spo2, 0).sfloat(70 + index, 0).dateTime(t)
                        .bytes();
                out.add(m(0x2A5E, index, t, List.of(dec(spo2, 0), dec(70 + index, 0)), "%", spot, true, serial,
                        null));
                int cont = 96 + index % 3;
                byte[] stream = new GattValues().uint8(0x00).sfloat(cont, 0).sfloat(72 + index % 5, 0).bytes();
                out.add(m(0x2A5F, index, null, List.of(dec(cont, 0), dec(72 + index % 5, 0)), "%", stream, false,
                        serial, null));
            }
            default -> throw new IllegalStateException();
        }
        return out;
    }

    /**
     * What the device measures when a scenario chooses the values ({@link Vitals}) and the device's clock gives the
     * time {@code t}: each kind's characteristic laid out as its specification has it, in SI or the device's usual
     * unit (mmHg, kg, Cel, mg/dL through kg/L).
     *
     * @param continuous for an oximeter: a sample of its continuous stream (2A5F, no timestamp) instead of a spot-check
     */
    List<SimMeasurement> measure(int index, LocalDateTime t, String serial, Integer user, Vitals v,
                                 boolean continuous) {
        List<SimMeasurement> out = new ArrayList<>(1);
        switch (this) {
            case HEART_RATE_STRAP -> {
                BigDecimal hr = v.integer("heart-rate");
                // Flags: uint8 value, sensor contact supported and detected; no timestamp (a stream).
                byte[] value = new GattValues().uint8(0x06).uint8(hr.intValueExact()).bytes();
                out.add(m(0x2A37, index, null, List.of(hr), "/min", value, false, serial, null));
            }
            case BLOOD_PRESSURE_CUFF, NEIGHBOUR_CUFF -> {
                BigDecimal sys = v.integer("systolic");
                BigDecimal dia = v.integer("diastolic");
                BigDecimal pulse = v.integer("pulse");
                // The cuff computes its mean arterial pressure: diastolic plus a third of the pulse pressure.
                BigDecimal map = dia.add(sys.subtract(dia).divide(BigDecimal.valueOf(3), 0,
                        java.math.RoundingMode.HALF_UP));
                // Flags: mmHg, timestamp, pulse rate, user id, measurement status (none set).
                byte[] value = new GattValues().uint8(0x1E).sfloat(sys.intValueExact(), 0)
                        .sfloat(dia.intValueExact(), 0).sfloat(map.intValueExact(), 0).dateTime(t)
                        .sfloat(pulse.intValueExact(), 0).uint8(user).uint16(0).bytes();
                out.add(m(0x2A35, index, t, List.of(sys, dia, map, pulse), "mmHg", value, true, serial, user));
            }
            case THERMOMETER, PRIVATE_THERMOMETER -> {
                BigDecimal c = v.value("temperature");
                // Flags: Celsius, timestamp, temperature type (2: body, general).
                byte[] value = new GattValues().uint8(0x06).float32(c.unscaledValue().intValueExact(), -c.scale())
                        .dateTime(t).uint8(2).bytes();
                out.add(m(0x2A1C, index, t, List.of(c), "Cel", value, true, serial, null));
            }
            case SCALE -> {
                // SI weight: uint16 in 0.005 kg steps. Flags: SI, timestamp, user id.
                BigDecimal kg = v.value("weight");
                int raw = kg.divide(new BigDecimal("0.005")).intValueExact();
                byte[] value = new GattValues().uint8(0x06).uint16(raw).dateTime(t).uint8(user).bytes();
                out.add(m(0x2A9D, index, t, List.of(new BigDecimal("0.005").multiply(BigDecimal.valueOf(raw))),
                        "kg", value, true, serial, user));
            }
            case GLUCOSE_METER -> {
                // Sequence number index + 1, time offset 0, concentration in kg/L (mg/dL × 10^-5), capillary whole
                // blood from a finger.
                BigDecimal mgdl = v.integer("glucose");
                byte[] value = new GattValues().uint8(0x03).uint16(index + 1).dateTime(t).uint16(0)
                        .sfloat(mgdl.intValueExact(), -5).uint8(0x11).bytes();
                out.add(m(0x2A18, index, t, List.of(mgdl), "mg/dL", value, true, serial, null));
            }
            case PULSE_OXIMETER, WRIST_OXIMETER -> {
                BigDecimal spo2 = v.integer("spo2");
                BigDecimal pulse = v.integer("pulse");
                if (continuous) {
                    byte[] value = new GattValues().uint8(0x00).sfloat(spo2.intValueExact(), 0)
                            .sfloat(pulse.intValueExact(), 0).bytes();
                    out.add(m(0x2A5F, index, null, List.of(spo2, pulse), "%", value, false, serial, null));
                } else {
                    byte[] value = new GattValues().uint8(0x01).sfloat(spo2.intValueExact(), 0)
                            .sfloat(pulse.intValueExact(), 0).dateTime(t).bytes();
                    out.add(m(0x2A5E, index, t, List.of(spo2, pulse), "%", value, true, serial, null));
                }
            }
            default -> throw new IllegalStateException();
        }
        return out;
    }

    private SimMeasurement m(int uuid16, int index, LocalDateTime t, List<BigDecimal> numbers, String unit,
                             byte[] value, boolean stored, String serial, Integer user) {
        return new SimMeasurement(this, uuid16, index, t, numbers, unit, value, stored, serial, user);
    }

    private static BigDecimal dec(int unscaled, int scale) {
        return BigDecimal.valueOf(unscaled, scale);
    }
}
