package io.vitalwire.gateway.ble.gatt;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MedFloatTest {

    @ParameterizedTest(name = "SFLOAT 0x{0} = {1}")
    @CsvSource({
        "0078, 120",
        "F16C, 36.4",
        "0FFF, -1",
        "2005, 500",
        "8001, 0.00000001",
        "7000, 0",
        "F800, -204.8",
        "07FD, 2045",
        "0803, -2045"})
    void sfloat_finite(String raw, String expected) {
        MedFloat f = MedFloat.sfloat(Integer.parseInt(raw, 16));

        assertThat(f).isInstanceOf(MedFloat.Finite.class);
        assertThat(((MedFloat.Finite) f).value()).isEqualByComparingTo(new BigDecimal(expected));
    }

    @ParameterizedTest(name = "SFLOAT 0x{0} is {1}")
    @CsvSource({"07FF, NAN", "0800, NRES", "07FE, POSITIVE_INFINITY", "0802, NEGATIVE_INFINITY", "0801, RESERVED"})
    void sfloat_specials(String raw, SpecialValue expected) {
        MedFloat f = MedFloat.sfloat(Integer.parseInt(raw, 16));

        assertThat(f).isInstanceOfSatisfying(MedFloat.Special.class, s -> assertThat(s.kind()).isEqualTo(expected));
    }

    @ParameterizedTest(name = "FLOAT 0x{0} = {1}")
    @CsvSource({
        "FF00016E, 36.6",
        "00FFFFFF, -1",
        "FE000E42, 36.50",
        "02000001, 100",
        "80000001, 1E-128",
        "007FFFFD, 8388605"})
    void float32_finite(String raw, String expected) {
        MedFloat f = MedFloat.float32(Integer.parseUnsignedInt(raw, 16));

        assertThat(f).isInstanceOf(MedFloat.Finite.class);
        assertThat(((MedFloat.Finite) f).value()).isEqualByComparingTo(new BigDecimal(expected));
    }

    @ParameterizedTest(name = "FLOAT 0x{0} is {1}")
    @CsvSource({"007FFFFF, NAN", "00800000, NRES", "007FFFFE, POSITIVE_INFINITY", "00800002, NEGATIVE_INFINITY",
        "00800001, RESERVED"})
    void float32_specials(String raw, SpecialValue expected) {
        MedFloat f = MedFloat.float32(Integer.parseUnsignedInt(raw, 16));

        assertThat(f).isInstanceOfSatisfying(MedFloat.Special.class, s -> assertThat(s.kind()).isEqualTo(expected));
    }

    @Test
    void finite_keepsTheDevicesResolution() {
        assertThat(((MedFloat.Finite) MedFloat.sfloat(0xF4B0)).value()).hasToString("120.0");
    }
}
