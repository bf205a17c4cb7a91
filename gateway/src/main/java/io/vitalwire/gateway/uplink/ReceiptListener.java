package io.vitalwire.gateway.uplink;

import io.vitalwire.contract.Channel;
import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.ContractViolation;
import io.vitalwire.contract.Receipt;
import io.vitalwire.contract.Topic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receipts from cloud-ingest, decoded by the contract's codec and handed to the {@link ReceiptWindow}. Only this
 * gateway's own receipts topic counts (the broker's ACL lets it read nothing else, and lets only cloud-ingest write
 * there); anything else, or a payload that breaks the contract, is logged and dropped — never taken as a receipt,
 * since a false receipt would have the buffer give up readings the cloud does not hold. A dropped receipt costs a
 * resend after the receipt timeout, nothing more.
 */
final class ReceiptListener {

    private static final Logger LOG = LoggerFactory.getLogger(ReceiptListener.class);

    private final String topic;
    private final ContractCodec codec;
    private final ReceiptWindow window;

    ReceiptListener(UplinkTopics topics, ContractCodec codec, ReceiptWindow window) {
        this.topic = topics.path(Channel.RECEIPTS);
        this.codec = codec;
        this.window = window;
    }

    /** The topic to subscribe to. */
    String topic() {
        return topic;
    }

    /** On the MQTT client's thread: queues the receipt's batch ids for the uplink's thread. */
    void arrived(String arrivedOn, byte[] payload) {
        if (!topic.equals(arrivedOn)) {
            LOG.warn("a message on a topic other than this gateway's receipts was ignored");
            return;
        }
        try {
            Receipt receipt = (Receipt) codec.decode(Topic.parse(arrivedOn), payload);
            window.receiptArrived(receipt.batches());
        } catch (ContractViolation e) {
            LOG.warn("a receipt that breaks the contract was ignored ({}): its batches are sent again when their "
                    + "receipt is overdue", e.reason());
        }
    }
}
