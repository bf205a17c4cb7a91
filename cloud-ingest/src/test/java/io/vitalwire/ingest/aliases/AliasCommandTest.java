package io.vitalwire.ingest.aliases;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalwire.privacy.DeviceAliases;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cloud-ingest.jar alias}: the alias cloud-ingest's logs give a device, by device id, address or serial, from
 * the key the service uses; it never creates a key. And the log converters replace device ids and addresses however
 * a message quotes them.
 */
class AliasCommandTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void alias_printsTheAliasTheServiceLogs_forEveryFormOfADevice() {
        Path key = dir.resolve("device-alias.key");
        DeviceAliases service = DeviceAliases.load(key);

        int exit = run(List.of("--key-file", key.toString(), "sn.THM-0003", "THM-0003", "bd.C0~3A1D~3A00~3A00~3A00~3A02",
                "c0:1d:00:00:00:02"), null);

        assertThat(exit).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8).lines()).containsExactly(
                service.ofSerial("THM-0003") + " sn.THM-0003", service.ofSerial("THM-0003") + " THM-0003",
                service.of("C0:1D:00:00:00:02") + " bd.C0~3A1D~3A00~3A00~3A00~3A02",
                service.of("C0:1D:00:00:00:02") + " c0:1d:00:00:00:02");
    }

    @Test
    void alias_takesTheKeyFileFromTheEnvironment_andNeverCreatesOne() {
        Path key = dir.resolve("missing.key");

        assertThat(run(List.of("sn.X-1"), key.toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(key.toString());
        assertThat(key).doesNotExist();
        assertThat(run(List.of(), key.toString())).isEqualTo(2);
    }

    @Test
    void logConverter_replacesDeviceIdsInReadingKeysAndAddresses_withTheServicesAliases() {
        DeviceAliases service = DeviceAliases.load(dir.resolve("device-alias.key"));
        ScrubbedMessageConverter.use(service);

        String line = ScrubbedMessageConverter.scrub("HTTP 400 for gw-1/sn.THM-0003/t20260301T080000/150364 and "
                + "gw-1/bd.C0~3A1D~3A00~3A00~3A00~3A02.u2/s4/150020 (C0:1D:00:00:00:02), isn.t a device");

        assertThat(line).isEqualTo("HTTP 400 for gw-1/" + service.ofSerial("THM-0003") + "/t20260301T080000/150364 "
                + "and gw-1/" + service.of("C0:1D:00:00:00:02") + ".u2/s4/150020 (" + service.of("C0:1D:00:00:00:02")
                + "), isn.t a device");
    }

    @Test
    void logConverter_replacesPatientReferences() {
        assertThat(ScrubbedMessageConverter.scrub("HTTP 500 for GET /fhir/Condition?patient=Patient/4711&_count=50 "
                + "and subject Patient/pat-12"))
                .isEqualTo("HTTP 500 for GET /fhir/Condition?patient=Patient/*&_count=50 and subject Patient/*");
        assertThat(ScrubbedMessageConverter.scrub("GET /fhir/Observation?subject=4711")).endsWith("?subject=*");
    }

    private int run(List<String> args, String keyFileFromEnvironment) {
        return AliasCommand.run(args, keyFileFromEnvironment, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }
}
