package io.vitalwire.gateway.coap;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.contract.Reading;
import io.vitalwire.gateway.normalize.DeviceMeasurement;
import io.vitalwire.gateway.normalize.NormalizationException;
import io.vitalwire.gateway.normalize.Normalizer;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;

/**
 * Coverage-guided fuzz target (Jazzer) over the parser of the gateway's most exposed input: SenML packs from home
 * devices, JSON and CBOR. Whatever the bytes, the reader either returns measurements or throws
 * {@link SenmlException} (which the resource answers 4.00), and every measurement it returns normalizes into a
 * reading the contract's codec writes and reads back unchanged, or is refused with a {@link NormalizationException}
 * — never any other exception, which would escape as a 5.00 and be retried by the device forever.
 *
 * <p>Input framing: the first byte's lowest bit picks the format (0 JSON, 1 CBOR), the rest is the payload; the
 * seeds in {@code src/test/resources/io/vitalwire/gateway/coap/SenmlPackFuzzTestInputs/anyPack} are packs of each
 * home device kind in both formats. {@code deploy/dev/fuzz.sh} runs it (CI: briefly; `--long`: a million
 * executions).
 */
class SenmlPackFuzzTest {

    private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
    private static final DeviceIdentity DEVICE = new DeviceIdentity(null, null, "FZ-1", null, null);
    private static final SenmlPackReader READER = new SenmlPackReader("/readings");
    private static final Normalizer NORMALIZER = new Normalizer("gw-fuzz", ZoneOffset.UTC);
    private static final ContractCodec CODEC = new ContractCodec();

    @FuzzTest(maxDuration = "30s")
    void anyPack(byte[] input) throws Exception {
        if (input.length == 0) {
            return;
        }
        byte[] payload = Arrays.copyOfRange(input, 1, input.length);
        List<DeviceMeasurement> measurements;
        try {
            measurements = (input[0] & 1) == 1 ? READER.readCbor(payload, NOW, DEVICE)
                    : READER.readJson(payload, NOW, DEVICE);
        } catch (SenmlException refused) {
            assertThat(refused.getMessage()).isNotBlank();
            return;
        }
        assertThat(measurements).as("a pack that is taken holds a measurement").isNotEmpty();
        for (DeviceMeasurement m : measurements) {
            Reading reading;
            try {
                reading = NORMALIZER.normalize(m, NOW);
            } catch (NormalizationException refused) {
                assertThat(refused.getMessage()).isNotBlank();
                continue;
            }
            assertThat(CODEC.decodeReading(CODEC.encodeReading(reading))).isEqualTo(reading);
        }
    }
}
