package io.vitalwire.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalwire.gateway.identity.GatewayAliases;
import io.vitalwire.privacy.DeviceAliases;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AliasCommandTest {

    @TempDir
    Path dir;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void run_printsTheAliasTheGatewaysLogsUse_forEachDevice() {
        DeviceAliases gateway = GatewayAliases.load(dir);

        int status = run(List.of("--data-dir", dir.toString(), "c0:1d:00:00:00:02", "THM-0003"), null);

        assertThat(status).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8).lines()).containsExactly(
                gateway.of("C0:1D:00:00:00:02") + " c0:1d:00:00:00:02", gateway.ofSerial("THM-0003") + " THM-0003");
    }

    @Test
    void run_takesTheDataDirectoryFromTheEnvironment() {
        DeviceAliases gateway = GatewayAliases.load(dir);

        assertThat(run(List.of("THM-0003"), dir.toString())).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(gateway.ofSerial("THM-0003") + " THM-0003\n");
    }

    @Test
    void run_withoutTheGatewaysKey_failsAndCreatesNone() {
        assertThat(run(List.of("--data-dir", dir.toString(), "THM-0003"), null)).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(GatewayAliases.KEY_FILE);
        assertThat(dir.resolve(GatewayAliases.KEY_FILE)).doesNotExist();
    }

    @Test
    void run_withoutADevice_printsTheUsage() {
        assertThat(run(List.of("--data-dir", dir.toString()), null)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("usage: gateway alias");
    }

    private int run(List<String> args, String environment) {
        return new AliasCommand().run(args, environment, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }
}
