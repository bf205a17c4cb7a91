package io.vitalwire.sims.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What cloud-ingest's logs must never hold, checked in every start of every replica of a test: patients' names,
 * reading values and secrets (cloud-ingest's README: logs name endpoints and alerts by id, nothing more).
 */
final class ReplicaLogs {

    private ReplicaLogs() {
    }

    /**
     * @param words  text that must not appear anywhere (names, secrets, references)
     * @param values decimals as the devices sent them: looked for as numbers standing on their own — not inside a
     *               longer number and not after ':' or '.', so that the log's own time of day (12:04:40.135) does
     *               not count as the value 40.13
     */
    static void assertFreeOf(List<IngestReplica> replicas, List<String> words, List<String> values)
            throws IOException {
        for (IngestReplica replica : replicas) {
            String log = Files.readString(replica.log());
            assertThat(log).as("the replica's own log, read whole").contains("Startup completed");
            for (String word : words) {
                assertThat(log).as("%s must not be logged (%s)", word, replica.log()).doesNotContain(word);
            }
            for (String value : values) {
                assertThat(Pattern.compile("(?<![\\d.:])" + Pattern.quote(value) + "(?!\\d)").matcher(log).find())
                        .as("the reading value %s must not be logged (%s)", value, replica.log()).isFalse();
            }
        }
    }
}
