package io.vitalwire.ingest.consume;

import io.micrometer.core.instrument.MeterRegistry;
import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.Receipt;
import io.vitalwire.contract.Topic;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells each gateway which of its readings batches are durable here — committed to the inbox, or quarantined — so
 * that it may give them up: the gateway holds every reading until a {@link Receipt} names its batch, because the
 * broker's PUBACK comes from the broker's memory. Receipts of one gateway are gathered into one message per flush
 * (up to {@link Receipt#MAX_BATCHES} batch ids each), published at QoS 1 to its {@code …/receipts} topic.
 *
 * <p>Only the writer's thread calls this, after each group's PUBACKs and on every idle turn, so receipts owed while
 * the broker's in-flight window is full wait for the next flush, gathered further, rather than holding up the
 * commits. A receipt that cannot be published because the connection is down is dropped: the gateway sends the
 * batch again when its receipt is overdue, the inbox takes its readings once, and the new batch gets its receipt.
 *
 * <p>Metric: {@code vitalwire.ingest.receipts{outcome=published|dropped}} (batches named).
 */
final class ReceiptSender {

    /** Publishes one receipt at QoS 1 without waiting for its PUBACK. */
    interface Publisher {
        void publish(String topic, byte[] payload) throws MqttException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(ReceiptSender.class);

    private final Publisher publisher;
    private final ContractCodec codec = new ContractCodec();
    private final Clock clock;
    private final MeterRegistry metrics;
    /** Batch ids owed, per gateway's receipts topic, oldest first. */
    private final Map<Topic, List<String>> owed = new LinkedHashMap<>();

    ReceiptSender(Publisher publisher, Clock clock, MeterRegistry metrics) {
        this.publisher = publisher;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** The deliveries' batches are durable: their gateways are owed receipts. */
    void durable(List<Delivery> deliveries) {
        for (Delivery d : deliveries) {
            d.receipt().ifPresent(r -> owed.computeIfAbsent(r.gateway(), t -> new ArrayList<>()).add(r.batchId()));
        }
    }

    /** Publishes what is owed, as far as the broker's in-flight window lets it. */
    void flush() {
        var gateways = owed.entrySet().iterator();
        while (gateways.hasNext()) {
            var gateway = gateways.next();
            List<String> ids = gateway.getValue();
            while (!ids.isEmpty()) {
                List<String> chunk = ids.subList(0, Math.min(ids.size(), Receipt.MAX_BATCHES));
                try {
                    publisher.publish(gateway.getKey().path(), codec.encode(Receipt.of(
                            gateway.getKey().gatewayId(), clock.instant(), List.copyOf(chunk))));
                    count("published", chunk.size());
                    chunk.clear();
                } catch (MqttException e) {
                    if (e.getReasonCode() == MqttClientException.REASON_CODE_MAX_INFLIGHT) {
                        return;
                    }
                    drop(e);
                    return;
                }
            }
            gateways.remove();
        }
    }

    private void drop(MqttException e) {
        int batches = owed.values().stream().mapToInt(List::size).sum();
        owed.clear();
        count("dropped", batches);
        LOG.warn("{} receipts could not be published ({}); their gateways send those batches again when the receipt "
                + "is overdue", batches, e.getMessage());
    }

    private void count(String outcome, int batches) {
        metrics.counter("vitalwire.ingest.receipts", "outcome", outcome).increment(batches);
    }
}
