package io.vitalwire.sims.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalwire.sims.bluez.SimDeviceKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The suite-wide log grep ({@link SuiteLogsIT}) finds what is planted in a log of each kind it collects: a dev private
 * key's line, a PSK, a JWT, a simulated device's address in a reading key's form, a patient's name, a sent value; it
 * finds nothing in a clean log, and never prints what it found.
 */
class LogScanTest {

    private static final String KEY_LINE = "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgPlAnTeDsEcReTkEyLiNe";
    private static final String PSK = "c2ltdWxhdGVkLXByZS1zaGFyZWQta2V5LTE=";

    @TempDir
    Path dir;

    @Test
    void scan_findsEveryPlantedSecretAndIdentifier_withoutPrintingIt() throws Exception {
        Path repo = dir.resolve("repo");
        Path stack = dir.resolve("stack");
        Files.createDirectories(stack.resolve("mqtt-pki"));
        Files.writeString(stack.resolve("mqtt-pki/cloud-ingest.key"), "-----BEGIN PRIVATE KEY-----\n" + KEY_LINE
                + "\n-----END PRIVATE KEY-----\n");
        Files.writeString(stack.resolve("mqtt-pki/coap-devices.psk"), "# kinds\npsk-1 SER-1 " + PSK + "\n");
        Path surefire = write(repo.resolve("gateway/target/surefire-reports/a.BTest-output.txt"), "all fine\n"
                + "12:00:01 INFO key " + KEY_LINE + "\n");
        Path failsafe = write(repo.resolve("cloud-ingest/target/failsafe-reports/b.CIT-output.txt"),
                "Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJl\n");
        Path e2e = write(repo.resolve("device-sims/target/e2e-logs/gateway-1.log"), "psk " + PSK + "\nreading "
                + "gw-1/bd.C0~3A1D~3A00~3A00~3A00~3A02/s4/150020 of Ottoline at 17:40:13.330 weighed 71.93 kg\n");
        Path service = write(stack.resolve("postgres/postgres.log"), "clean\n");

        List<Path> logs = LogScan.logs(repo, Optional.of(stack));
        List<LogScan.Finding> findings = LogScan.scan(logs, LogScan.needles(List.of(stack)));

        assertThat(logs).containsExactlyInAnyOrder(surefire, failsafe, e2e, service);
        assertThat(findings).extracting(f -> f.file() + ":" + f.line() + " " + f.what().split(" ")[0] + " "
                + f.what().split(" ")[1]).containsExactlyInAnyOrder(surefire + ":2 a line", failsafe + ":1 a JWT",
                e2e + ":1 a PSK", e2e + ":2 the BLE", e2e + ":2 a test", e2e + ":2 a value");
        assertThat(findings).allSatisfy(f -> assertThat(f.toString()).doesNotContain(KEY_LINE).doesNotContain(PSK)
                .doesNotContain("eyJ").doesNotContain("Ottoline").doesNotContain("C0~3A1D"));
        assertThat(findings).filteredOn(f -> f.what().contains("BLE"))
                .allSatisfy(f -> assertThat(f.what()).contains(SimDeviceKind.BLOOD_PRESSURE_CUFF.name()));
    }

    @Test
    void scan_aCleanLog_findsNothing() throws Exception {
        Path log = write(dir.resolve("repo/gateway/target/surefire-reports/c.DTest-output.txt"),
                "17:40:13.930 INFO device dev-1bab37a4 ready (serial dev-c5fe1204)\n");
        assertThat(LogScan.scan(List.of(log), LogScan.needles(List.of()))).isEmpty();
    }

    private static Path write(Path file, String content) throws Exception {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }
}
