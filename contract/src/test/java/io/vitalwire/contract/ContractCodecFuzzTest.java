package io.vitalwire.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

/**
 * Coverage-guided fuzz targets (Jazzer) over the contract's codec, which parses what every gateway publishes (on
 * cloud-ingest) and what the gateway's own buffer holds. Whatever the bytes, decoding either returns a message or
 * throws {@link ContractViolation} (the consumer quarantines the payload) — never any other exception, which the
 * consumer would take for PostgreSQL failing and retry without end — and a message it returns is written and read
 * back unchanged.
 *
 * <p>Input framing of {@link #anyMessage}: the first byte picks the channel (readings, status, state, events, receipts), the
 * rest is the payload. Seeds: {@code src/test/resources/io/vitalwire/contract/ContractCodecFuzzTestInputs/}, one
 * directory per target, valid messages of every channel. {@code deploy/dev/fuzz.sh} runs them.
 */
class ContractCodecFuzzTest {

    private static final ContractCodec CODEC = new ContractCodec();
    private static final Channel[] CHANNELS = {Channel.READINGS, Channel.STATUS, Channel.STATE, Channel.EVENTS,
        Channel.RECEIPTS};

    @FuzzTest(maxDuration = "30s")
    void anyMessage(byte[] input) throws Exception {
        if (input.length == 0) {
            return;
        }
        Topic topic = Topic.of("fuzz", "gw-fuzz", CHANNELS[(input[0] & 0xFF) % CHANNELS.length]);
        ContractMessage message;
        try {
            message = CODEC.decode(topic, Arrays.copyOfRange(input, 1, input.length));
        } catch (ContractViolation refused) {
            assertThat(refused.reason()).isNotNull();
            return;
        }
        assertThat(message.gatewayId()).isEqualTo(topic.gatewayId());
        assertThat(CODEC.decode(topic, CODEC.encode(message))).as("written and read back").isEqualTo(message);
    }

    @FuzzTest(maxDuration = "30s")
    void storedReading(byte[] stored) throws Exception {
        Reading reading;
        try {
            reading = CODEC.decodeReading(stored);
        } catch (ContractViolation refused) {
            assertThat(refused.reason()).isNotNull();
            return;
        }
        assertThat(CODEC.decodeReading(CODEC.encodeReading(reading))).isEqualTo(reading);
    }
}
