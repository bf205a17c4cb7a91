package io.vitalwire.ingest.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.ContractViolation;
import io.vitalwire.contract.Reading;
import io.vitalwire.testing.GatewayReadings;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The stages' decoded readings: used only for the very bytes they were decoded from. */
class DecodedReadingsTest {

    private final ContractCodec codec = new ContractCodec();
    private final Reading weight = GatewayReadings.weight("gw-1", GatewayReadings.device("SCALE-1"),
            Instant.parse("2026-12-04T08:00:00Z"), "81.5");
    private final Reading heavier = GatewayReadings.weight("gw-1", GatewayReadings.device("SCALE-1"),
            Instant.parse("2026-12-04T08:00:00Z"), "91.5");

    @Test
    void aReadingTakenIn_isGivenBackForItsBytes_withoutDecodingThemAgain() throws ContractViolation {
        DecodedReadings decoded = new DecodedReadings(codec, 10);
        byte[] stored = codec.encodeReading(weight);
        decoded.taken(7, stored, weight);

        assertThat(decoded.of(7, stored.clone())).isSameAs(weight);
    }

    @Test
    void otherBytesUnderTheSameEntry_areDecoded_notTakenForTheKeptReading() throws ContractViolation {
        // A key conflict decided for the arrived reading replaces the entry's stored reading, on any replica.
        DecodedReadings decoded = new DecodedReadings(codec, 10);
        decoded.taken(7, codec.encodeReading(weight), weight);

        Reading replaced = decoded.of(7, codec.encodeReading(heavier));

        assertThat(replaced).isEqualTo(heavier).isNotEqualTo(weight);
        assertThat(decoded.of(7, codec.encodeReading(heavier))).isSameAs(replaced);
    }

    @Test
    void unreadableBytes_areRefusedAsBefore_evenUnderAnEntryWithAKeptReading() {
        DecodedReadings decoded = new DecodedReadings(codec, 10);
        decoded.taken(7, codec.encodeReading(weight), weight);

        assertThatThrownBy(() -> decoded.of(7, "{\"key\":".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ContractViolation.class);
    }

    @Test
    void withNoneToKeep_everyReadingIsDecoded() throws ContractViolation {
        DecodedReadings decoded = new DecodedReadings(codec, 0);
        byte[] stored = codec.encodeReading(weight);
        decoded.taken(7, stored, weight);

        assertThat(decoded.of(7, stored)).isEqualTo(weight).isNotSameAs(weight);
    }
}
