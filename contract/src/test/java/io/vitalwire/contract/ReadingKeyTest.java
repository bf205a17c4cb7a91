package io.vitalwire.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReadingKeyTest {

    private static final DeviceIdentity METER = new DeviceIdentity(null, null, "GM 42/7", null, null);
    private static final DeviceIdentity SCALE = new DeviceIdentity(null, null, null, "AA:BB:CC:DD:EE:FF", 2);
    private static final Instant T1 = Instant.parse("2026-11-23T10:00:00Z");
    private static final Instant T2 = Instant.parse("2026-11-23T10:05:00Z");

    @Test
    void sequenceNumber_isPreferred_soAResentRecordGetsTheSameKey() {
        String first = ReadingKey.of("gw-1", METER, 42L, "2026-11-23T09:00:00", T1, "160184");
        String resent = ReadingKey.of("gw-1", METER, 42L, "2026-11-23T09:00:00", T2, "160184");

        assertThat(first).isEqualTo(resent).isEqualTo("gw-1/sn.GM~2042~2F7/s42/160184");
    }

    @Test
    void deviceTime_isUsedWithoutSequence_thenReceiveTime() {
        assertThat(ReadingKey.of("gw-1", SCALE, null, "2026-11-23T09:00:05", T1, "188736"))
                .isEqualTo("gw-1/bd.AA~3ABB~3ACC~3ADD~3AEE~3AFF.u2/t20261123T090005/188736");
        assertThat(ReadingKey.of("gw-1", SCALE, null, null, T1, "188736"))
                .endsWith("/r" + T1.toEpochMilli() + "/188736");
    }

    @Test
    void absoluteDeviceTime_keepsItsZoneMarker() {
        assertThat(ReadingKey.of("gw-1", METER, null, "2026-11-23T10:15:00.500Z", T1, "150364"))
                .isEqualTo("gw-1/sn.GM~2042~2F7/t20261123T101500.500Z/150364");
    }

    @Test
    void differentUsersCodesAndGateways_getDifferentKeys() {
        DeviceIdentity otherUser = new DeviceIdentity(null, null, null, "AA:BB:CC:DD:EE:FF", 3);

        assertThat(ReadingKey.of("gw-1", SCALE, 1L, null, T1, "188736"))
                .isNotEqualTo(ReadingKey.of("gw-1", otherUser, 1L, null, T1, "188736"))
                .isNotEqualTo(ReadingKey.of("gw-1", SCALE, 1L, null, T1, "188740"))
                .isNotEqualTo(ReadingKey.of("gw-2", SCALE, 1L, null, T1, "188736"));
    }

    @Test
    void escaping_keepsDistinctSerialsDistinct() {
        DeviceIdentity a = new DeviceIdentity(null, null, "A_B", null, null);
        DeviceIdentity b = new DeviceIdentity(null, null, "A~5FB", null, null);

        assertThat(ReadingKey.of("gw", a, 1L, null, T1, "1")).isNotEqualTo(ReadingKey.of("gw", b, 1L, null, T1, "1"));
    }

    @Test
    void deviceId_isTheKeysDeviceSegmentWithoutTheUser_andReadsBackAsTheDevice() {
        assertThat(ReadingKey.deviceId(METER)).isEqualTo("sn.GM~2042~2F7");
        assertThat(ReadingKey.deviceId(SCALE)).isEqualTo("bd.AA~3ABB~3ACC~3ADD~3AEE~3AFF");
        assertThat(ReadingKey.device("sn.GM~2042~2F7").serial()).isEqualTo("GM 42/7");
        assertThat(ReadingKey.device("bd.AA~3ABB~3ACC~3ADD~3AEE~3AFF").address()).isEqualTo("AA:BB:CC:DD:EE:FF");
        DeviceIdentity unicode = new DeviceIdentity(null, null, "Ünï 1", null, null);
        assertThat(ReadingKey.device(ReadingKey.deviceId(unicode))).isEqualTo(unicode);
    }

    @Test
    void device_refusesWhatDeviceIdNeverWrites() {
        for (String bad : new String[] {"GM-1", "xx.GM", "sn.", "sn.a/b", "sn.~zz", null}) {
            assertThatThrownBy(() -> ReadingKey.device(bad))
                    .as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
