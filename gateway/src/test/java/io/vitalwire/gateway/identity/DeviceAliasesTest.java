package io.vitalwire.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.contract.ReadingKey;
import io.vitalwire.privacy.DeviceAliases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceAliasesTest {

    private static final String ADDRESS = "C0:1D:00:00:00:02";
    private static final DeviceIdentity CUFF = new DeviceIdentity("Acme", "Cuff 2", "BPC-0002", ADDRESS, null);
    private static final DeviceIdentity THERMOMETER = new DeviceIdentity(null, null, "THM-0003", null, null);

    @TempDir
    Path dir;

    @Test
    void load_generatesAPrivateKeyOnce_andTheAliasOutlivesARestart() throws Exception {
        String first = GatewayAliases.load(dir).of(ADDRESS);

        Path key = dir.resolve(GatewayAliases.KEY_FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        assertThat(Base64.getDecoder().decode(Files.readString(key).strip())).hasSize(32);
        assertThat(first).matches("dev-[0-9a-f]{8}");
        assertThat(GatewayAliases.load(dir).of(ADDRESS)).isEqualTo(first);
        assertThat(GatewayAliases.existing(dir).of(ADDRESS)).isEqualTo(first);
    }

    @Test
    void of_dependsOnTheGatewaysKey() {
        assertThat(GatewayAliases.load(dir.resolve("a")).of(ADDRESS))
                .isNotEqualTo(GatewayAliases.load(dir.resolve("b")).of(ADDRESS));
    }

    @Test
    void of_anAddress_isTheSameInEveryFormItIsWrittenIn() {
        DeviceAliases aliases = GatewayAliases.load(dir);
        String alias = aliases.of(ADDRESS);

        assertThat(List.of("c0:1d:00:00:00:02", "C0_1D_00_00_00_02", "dev_C0_1D_00_00_00_02", "C0-1D-00-00-00-02",
                "bd.C0~3A1D~3A00~3A00~3A00~3A02")).allSatisfy(form -> assertThat(aliases.of(form)).isEqualTo(alias));
        assertThat(aliases.of(CUFF)).as("a BLE device goes by its address").isEqualTo(alias);
        assertThat(aliases.of("C0:1D:00:00:00:03")).isNotEqualTo(alias);
    }

    @Test
    void of_aSerial_isTheSameAsTheCoapDeviceItNames() {
        DeviceAliases aliases = GatewayAliases.load(dir);

        assertThat(aliases.of("THM-0003")).isEqualTo(aliases.of(THERMOMETER)).isEqualTo(aliases.ofSerial("THM-0003"))
                .isEqualTo(aliases.of("sn.THM-0003")).matches("dev-[0-9a-f]{8}");
        assertThat(aliases.ofSerial("BPC-0002")).isNotEqualTo(aliases.of(CUFF));
    }

    @Test
    void scrub_replacesAddressesInEveryForm_andTheNamedDevicesSerialsAndKeys() {
        DeviceAliases aliases = GatewayAliases.load(dir);
        String key = ReadingKey.of("gw-1", THERMOMETER, null, "2026-03-01T08:00:00", Instant.EPOCH, "150364");
        String text = "Connect on /org/bluez/hci0/dev_C0_1D_00_00_00_02 failed: org.bluez.Error.Failed (c0:1d:00:00:"
                + "00:02 went away); key " + key + " and gw-1/bd.C0~3A1D~3A00~3A00~3A00~3A02/s4/150020, serial THM-0003";

        String scrubbed = aliases.scrub(text, THERMOMETER);

        assertThat(scrubbed).doesNotContainIgnoringCase("C0:1D").doesNotContainIgnoringCase("C0_1D")
                .doesNotContain("C0~3A1D").doesNotContain("THM-0003").doesNotContain(key)
                .contains("/org/bluez/hci0/" + aliases.of(ADDRESS) + " failed")
                .contains("(" + aliases.of(ADDRESS) + " went away)")
                .contains("gw-1/" + aliases.of(ADDRESS) + "/s4/150020")
                .contains("gw-1/" + aliases.of(THERMOMETER) + "/t20260301T080000/150364")
                .endsWith("serial " + aliases.of(THERMOMETER));
        assertThat(aliases.scrub("nothing 12:30:00 to hide, 0000180d-0000-1000-8000-00805f9b34fb"))
                .isEqualTo("nothing 12:30:00 to hide, 0000180d-0000-1000-8000-00805f9b34fb");
        assertThat(aliases.scrub((String) null)).isNull();
    }

    @Test
    void scrub_aFailure_keepsItsTraceAndScrubsItsCauses() {
        DeviceAliases aliases = GatewayAliases.load(dir);
        IllegalStateException failure = new IllegalStateException("link of C0:1D:00:00:00:02",
                new IllegalArgumentException("/org/bluez/hci0/dev_C0_1D_00_00_00_02 is gone"));

        Throwable scrubbed = aliases.scrub(failure);

        assertThat(scrubbed.getMessage()).isEqualTo("java.lang.IllegalStateException: link of " + aliases.of(ADDRESS));
        assertThat(scrubbed.getStackTrace()).isEqualTo(failure.getStackTrace());
        assertThat(scrubbed.getCause().getMessage()).isEqualTo("java.lang.IllegalArgumentException: /org/bluez/hci0/"
                + aliases.of(ADDRESS) + " is gone");
    }

    @Test
    void existing_neverCreatesAKey() {
        assertThatThrownBy(() -> GatewayAliases.existing(dir)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(GatewayAliases.KEY_FILE);
        assertThat(dir.resolve(GatewayAliases.KEY_FILE)).doesNotExist();
    }
}
