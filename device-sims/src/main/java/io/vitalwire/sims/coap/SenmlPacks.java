package io.vitalwire.sims.coap;

import io.vitalwire.sims.vitals.Vitals;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.Locale;

/**
 * SenML packs (RFC 8428, JSON) as the simulated home devices send them: a device URN base name, an absolute base
 * time in seconds, and one record per value.
 */
public final class SenmlPacks {

    private SenmlPacks() {
    }

    /** A plausible measurement of the device's kind; {@code seed} varies the values from call to call. */
    public static String measurement(HomeDeviceKind kind, String serial, Instant at, int seed) {
        String head = "{\"bn\":\"urn:dev:sn:" + serial + ":\",\"bt\":" + at.getEpochSecond();
        return switch (kind) {
            case BP_CUFF -> "[" + head + ",\"bu\":\"mmHg\",\"n\":\"systolic\",\"v\":" + (118 + seed % 30) + "},"
                    + "{\"n\":\"diastolic\",\"v\":" + (76 + seed % 15) + "},"
                    + "{\"n\":\"mean-arterial-pressure\",\"v\":" + (90 + seed % 20) + "},"
                    + "{\"n\":\"pulse-rate\",\"u\":\"beat/min\",\"v\":" + (64 + seed % 20) + "}]";
            case THERMOMETER -> "[" + head + ",\"n\":\"body-temperature\",\"u\":\"Cel\",\"v\":"
                    + decimal(36.4 + (seed % 12) / 10.0) + "}]";
            case SCALE -> "[" + head + ",\"n\":\"body-weight\",\"u\":\"kg\",\"v\":"
                    + decimal(72.0 + (seed % 30) / 10.0) + "}]";
            case GLUCOSE_METER -> "[" + head + ",\"n\":\"blood-glucose\",\"u\":\"mg/dL\",\"v\":" + (92 + seed % 40)
                    + "}]";
            case PULSE_OXIMETER -> "[" + head + ",\"n\":\"spo2\",\"u\":\"%\",\"v\":" + (95 + seed % 5) + "},"
                    + "{\"n\":\"pulse-rate\",\"u\":\"beat/min\",\"v\":" + (66 + seed % 20) + "}]";
        };
    }

    /** A measurement of the values a scenario chose ({@link Vitals}), digit for digit. */
    public static String measurement(HomeDeviceKind kind, String serial, Instant at, Vitals v) {
        String head = "{\"bn\":\"urn:dev:sn:" + serial + ":\",\"bt\":" + at.getEpochSecond();
        return switch (kind) {
            case BP_CUFF -> {
                BigDecimal sys = v.integer("systolic");
                BigDecimal dia = v.integer("diastolic");
                BigDecimal map = dia.add(sys.subtract(dia).divide(BigDecimal.valueOf(3), 0, RoundingMode.HALF_UP));
                yield "[" + head + ",\"bu\":\"mmHg\",\"n\":\"systolic\",\"v\":" + sys + "},"
                        + "{\"n\":\"diastolic\",\"v\":" + dia + "},"
                        + "{\"n\":\"mean-arterial-pressure\",\"v\":" + map + "},"
                        + "{\"n\":\"pulse-rate\",\"u\":\"beat/min\",\"v\":" + v.integer("pulse") + "}]";
            }
            case THERMOMETER -> "[" + head + ",\"n\":\"body-temperature\",\"u\":\"Cel\",\"v\":"
                    + v.value("temperature").toPlainString() + "}]";
            case SCALE -> "[" + head + ",\"n\":\"body-weight\",\"u\":\"kg\",\"v\":"
                    + v.value("weight").toPlainString() + "}]";
            case GLUCOSE_METER -> "[" + head + ",\"n\":\"blood-glucose\",\"u\":\"mg/dL\",\"v\":"
                    + v.integer("glucose") + "}]";
            case PULSE_OXIMETER -> "[" + head + ",\"n\":\"spo2\",\"u\":\"%\",\"v\":" + v.integer("spo2") + "},"
                    + "{\"n\":\"pulse-rate\",\"u\":\"beat/min\",\"v\":" + v.integer("pulse") + "}]";
        };
    }

    private static String decimal(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
