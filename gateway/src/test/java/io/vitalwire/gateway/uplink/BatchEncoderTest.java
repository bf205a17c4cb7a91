package io.vitalwire.gateway.uplink;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.Reading;
import io.vitalwire.contract.ReadingBatch;
import io.vitalwire.gateway.buffer.BufferedReading;
import io.vitalwire.testing.GatewayReadings;
import java.time.Instant;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** Batches bounded in bytes as well as in count, decoded back with the contract's codec. */
class BatchEncoderTest {

    private static final Instant SENT = Instant.parse("2026-11-23T10:00:05Z");
    private final BatchEncoder encoder = new BatchEncoder(new BatchIds(new java.util.Random(7)));
    private final ContractCodec codec = new ContractCodec();

    @Test
    void encode_withinTheLimit_isOneMessage() throws Exception {
        List<BufferedReading> rows = rows(10);

        List<EncodedBatch> messages = encoder.encode("gw-1", SENT, rows, 1 << 20);

        assertThat(messages).hasSize(1);
        assertThat(messages.get(0).rowIds()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
        ReadingBatch batch = codec.decodeReadings(messages.get(0).payload());
        assertThat(batch.gatewayId()).isEqualTo("gw-1");
        assertThat(batch.sentAt()).isEqualTo(SENT);
        assertThat(batch.batchId()).isEqualTo(messages.get(0).batchId()).matches("[0-9a-z]{10}-0");
        assertThat(batch.readings()).extracting(Reading::key).containsExactlyElementsOf(
                rows.stream().map(r -> r.reading().key()).toList());
    }

    @Test
    void encode_overTheLimit_splitsIntoMessagesThatFitAndKeepOrder() throws Exception {
        List<BufferedReading> rows = rows(100);
        int oneMessage = encoder.encode("gw-1", SENT, rows, Integer.MAX_VALUE).get(0).payload().length;
        int limit = oneMessage / 3;

        List<EncodedBatch> messages = encoder.encode("gw-1", SENT, rows, limit);

        assertThat(messages).hasSizeGreaterThanOrEqualTo(3);
        assertThat(messages).allSatisfy(m -> assertThat(m.payload().length).isLessThanOrEqualTo(limit));
        assertThat(messages.stream().flatMap(m -> m.rowIds().stream()).toList())
                .containsExactlyElementsOf(LongStream.rangeClosed(1, 100).boxed().toList());
        for (EncodedBatch m : messages) {
            assertThat(codec.decodeReadings(m.payload()).readings()).hasSize(m.rowIds().size());
        }
    }

    @Test
    void encode_aSingleReadingOverTheLimit_goesAlone() {
        List<EncodedBatch> messages = encoder.encode("gw-1", SENT, rows(2), 10);

        assertThat(messages).extracting(EncodedBatch::rowIds).containsExactly(List.of(1L), List.of(2L));
    }

    private static List<BufferedReading> rows(int n) {
        return LongStream.rangeClosed(1, n).mapToObj(i -> {
            Reading reading = reading(i);
            return new BufferedReading(i, reading.key(), new ContractCodec().encodeReading(reading));
        }).toList();
    }

    private static Reading reading(long sequence) {
        return GatewayReadings.storedGlucose("gw-1", GatewayReadings.device("GM-1"), sequence,
                Instant.parse("2026-11-23T10:00:00Z"), "101");
    }

    @Test
    void everyMessage_getsItsOwnBatchId_alsoForRowsSentBefore() throws Exception {
        List<BufferedReading> rows = rows(4);

        List<EncodedBatch> first = encoder.encode("gw-1", SENT, rows, Integer.MAX_VALUE);
        List<EncodedBatch> again = encoder.encode("gw-1", SENT, rows, Integer.MAX_VALUE);
        List<EncodedBatch> afterRestart = new BatchEncoder(new BatchIds()).encode("gw-1", SENT, rows,
                Integer.MAX_VALUE);

        assertThat(List.of(first.get(0).batchId(), again.get(0).batchId(), afterRestart.get(0).batchId()))
                .doesNotHaveDuplicates();
        assertThat(codec.decodeReadings(again.get(0).payload()).batchId()).isEqualTo(again.get(0).batchId());
    }
}
