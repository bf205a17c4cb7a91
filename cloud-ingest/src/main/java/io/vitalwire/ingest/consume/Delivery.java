package io.vitalwire.ingest.consume;

import io.vitalwire.ingest.inbox.Arrival;
import java.util.Optional;

/**
 * A message taken from the broker and waiting in {@link GroupCommitWriter}'s queue for its PUBACK.
 *
 * @param messageId  its MQTT packet identifier, which the PUBACK names
 * @param qos        its QoS
 * @param connection the connection it arrived on ({@link GatewayConsumer} counts them): a packet identifier means
 *                   this message only on that connection
 * @param readings   readings still to commit to the inbox; empty when what the message carries is durable already
 *                   (an event stored, a presence updated, a payload quarantined) and only its PUBACK waits, behind
 *                   the messages that arrived before it
 * @param receipt    the readings batch to name in a receipt to its gateway once the message is durable; empty for
 *                   other channels, a batch without a batch id, and a payload that broke the contract
 */
record Delivery(int messageId, int qos, long connection, Optional<Arrival> readings, Optional<ReceiptDue> receipt) {

    /** A message whose content is durable already and that asks for no receipt. */
    static Delivery durable(int messageId, int qos, long connection) {
        return new Delivery(messageId, qos, connection, Optional.empty(), Optional.empty());
    }
}
