package io.vitalwire.sims.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The suite-wide log grep (issue 14, point 7): after every other test ran, no log the test suite wrote holds a known
 * secret, a simulated device's identifier, a test patient or a value the end-to-end tests send ({@link LogScan}).
 * Not part of the default Failsafe run (it would run before the tests whose logs it reads): {@code deploy/dev/test.sh}
 * runs it after {@code mvn verify} with {@code mvn -pl device-sims failsafe:integration-test@suite-logs
 * failsafe:verify@suite-logs}.
 */
class SuiteLogsIT {

    @Test
    void theTestSuitesLogs_holdNoSecretIdentifierPatientOrSentValue() throws Exception {
        Path repo = Path.of("..").toAbsolutePath().normalize();
        Optional<Path> stack = Optional.of(Path.of(Optional.ofNullable(System.getenv("VITALWIRE_STACK_DIR"))
                .orElse("/var/tmp/vitalwire-dev")));
        // The stack's (dev PKI, admin dev key, the demo's PSKs and keys) and the tests' own key directories.
        List<Path> secretDirs = new ArrayList<>();
        stack.ifPresent(secretDirs::add);
        try (Stream<Path> temp = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            temp.filter(d -> d.getFileName().toString().startsWith("vw-")).forEach(secretDirs::add);
        }
        List<Path> logs = LogScan.logs(repo, stack);

        List<LogScan.Finding> findings = LogScan.scan(logs, LogScan.needles(secretDirs));

        assertThat(logs).as("logs of the test run").isNotEmpty();
        assertThat(findings).as("secrets, identifiers, patients or values in the logs (file:line: what)").isEmpty();
    }
}
