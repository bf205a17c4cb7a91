package io.vitalwire.gateway.ble.gatt;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/** Stand-alone SFLOAT/FLOAT decoding for the {@code decode} command: bytes as on the air, little-endian. */
public final class MedFloats {

    private MedFloats() {
    }

    public static MedFloat sfloat(byte[] twoOctets) {
        return MedFloat.sfloat((twoOctets[0] & 0xFF) | (twoOctets[1] & 0xFF) << 8);
    }

    public static MedFloat float32(byte[] fourOctets) {
        return MedFloat.float32((fourOctets[0] & 0xFF) | (fourOctets[1] & 0xFF) << 8 | (fourOctets[2] & 0xFF) << 16
                | (fourOctets[3] & 0xFF) << 24);
    }

    /** {@code value}, {@code mantissa}, {@code exponent}, {@code special}: value or special is null. */
    public static Map<String, Object> describe(MedFloat f) {
        Map<String, Object> fields = new LinkedHashMap<>();
        BigDecimal value = f instanceof MedFloat.Finite finite ? finite.value() : null;
        fields.put("value", value);
        fields.put("mantissa", f.mantissa());
        fields.put("exponent", f.exponent());
        fields.put("special", f instanceof MedFloat.Special special ? special.label() : null);
        return fields;
    }
}
