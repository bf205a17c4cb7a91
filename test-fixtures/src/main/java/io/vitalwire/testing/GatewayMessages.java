package io.vitalwire.testing;

import io.vitalwire.contract.Channel;
import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.Reading;
import io.vitalwire.contract.ReadingBatch;
import io.vitalwire.contract.Topic;
import java.time.Instant;
import java.util.List;

/** The readings messages a gateway publishes: their topic, and their payload as the gateway's uplink encodes it. */
public final class GatewayMessages {

    private static final ContractCodec CODEC = new ContractCodec();

    private GatewayMessages() {
    }

    /** {@code vitalwire/v1/<tenant>/<gateway>/readings}. */
    public static String readingsTopic(String tenant, String gatewayId) {
        return Topic.of(tenant, gatewayId, Channel.READINGS).path();
    }

    /** The readings as one message, sent now, asking for no receipt (as a gateway of contract 1.0 does). */
    public static byte[] readings(String gatewayId, List<Reading> readings) {
        return CODEC.encode(ReadingBatch.of(gatewayId, Instant.now(), readings));
    }

    /** The readings as one message named {@code batchId}, sent now: cloud-ingest receipts it once durable. */
    public static byte[] readings(String gatewayId, String batchId, List<Reading> readings) {
        return CODEC.encode(ReadingBatch.of(gatewayId, batchId, Instant.now(), readings));
    }

    /** {@code vitalwire/v1/<tenant>/<gateway>/receipts}. */
    public static String receiptsTopic(String tenant, String gatewayId) {
        return Topic.of(tenant, gatewayId, Channel.RECEIPTS).path();
    }
}
