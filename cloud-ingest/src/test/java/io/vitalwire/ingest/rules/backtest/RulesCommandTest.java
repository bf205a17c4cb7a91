package io.vitalwire.ingest.rules.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code rules replay} as a clinician runs it: on the example file under version control (its expected output is
 * checked in beside it, and every line of it is explained by a comment in the example), on standard input, and on
 * bad input.
 */
class RulesCommandTest {

    private static final Path EXAMPLE = Path.of("examples/backtest.jsonl");
    private static final Path EXPECTED = Path.of("examples/backtest.expected.jsonl");

    @Test
    void theExampleFile_givesTheCheckedInAlerts() throws Exception {
        Result r = run(null, "replay", EXAMPLE.toString());
        assertThat(r.code()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out().lines().toList()).containsExactlyElementsOf(Files.readAllLines(EXPECTED));
        assertThat(r.out().lines().toList()).extracting(l -> l.replaceAll(".*\"rule\":\"([a-z0-9-]+)\".*", "$1"))
                .containsExactly("systolic", "diastolic", "temperature", "weight-gain-24h", "spo2", "glucose",
                        "no-data", "no-data");
    }

    @Test
    void standardInput_isReadWithoutAFile() throws Exception {
        Result r = run(Files.readString(EXAMPLE), "replay");
        assertThat(r.code()).isZero();
        assertThat(r.out().lines().toList()).containsExactlyElementsOf(Files.readAllLines(EXPECTED));
    }

    @Test
    void badLines_areReportedWithTheirNumbers_theRestIsEvaluated_andTheExitCodeSaysSo() throws Exception {
        String input = String.join("\n", List.of(
                "{\"patient\": {\"id\": \"p1\", \"conditions\": [\"gout\"]}}",
                "{\"patient\": {\"id\": \"p1\"}}",
                "not json",
                "{\"patient\": \"p9\", \"reading\": {}}",
                "{\"patient\": \"p1\", \"reading\": {\"key\": \"x\"}}",
                "{\"now\": \"tomorrow\"}",
                "{\"patient\": {\"id\": \"p2\", \"overrides\": {\"spo2\": {\"warning\": {\"below\": 90}}}}}",
                "{\"patient\": \"p1\", \"reading\": " + spo2("85") + "}"));
        Result r = run(input, "replay");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().lines().toList()).extracting(l -> l.substring(0, l.indexOf(':')))
                .containsExactly("line 1", "line 3", "line 4", "line 5", "line 6", "line 7");
        assertThat(r.err()).contains("gout").contains("p9").contains("below");
        assertThat(r.out().lines().toList()).singleElement().asString().contains("\"severity\":\"critical\"");
    }

    @Test
    void usage_withoutASubcommand_isAnError() throws Exception {
        assertThat(run(null).code()).isEqualTo(2);
    }

    private static String spo2(String value) {
        return "{\"key\": \"gw/sn.OX-1/t20260105T080000Z/150456\", \"type\": \"oxygen-saturation\", "
                + "\"mdc\": \"150456\", \"values\": [{\"mdc\": \"150456\", \"value\": " + value + ", \"unit\": \"%\"}],"
                + " \"device\": {\"serial\": \"OX-1\"}, \"measuredAt\": \"2026-01-05T08:00:00Z\", "
                + "\"receivedAt\": \"2026-01-05T08:00:00Z\", \"clockQuality\": \"synced\", "
                + "\"source\": {\"transport\": \"coap\", \"ref\": \"/readings\"}}";
    }

    private record Result(int code, String out, String err) {
    }

    private static Result run(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        InputStream before = System.in;
        try {
            if (stdin != null) {
                System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            }
            int code = RulesCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setIn(before);
        }
    }
}
