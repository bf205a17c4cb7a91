package io.vitalwire.gateway.uplink;

import java.util.Optional;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.packet.MqttReturnCode;

/** Whether the broker took a QoS 1 message it answered: its PUBACK's reason code. */
final class BrokerRefusal {

    private BrokerRefusal() {
    }

    /**
     * Why the broker did not take a message it answered: a reason code of 0x80 or more, or 0x10 "no matching
     * subscribers". With 0x10 the broker accepted the message and dropped it, because nobody subscribes to its
     * topic (cloud-ingest's session was lost with the broker's state, or expired): for readings and gaps that is a
     * loss, so the message stays in the buffer and is sent again, with backoff, until cloud-ingest subscribes again.
     */
    static Optional<MqttException> of(IMqttToken token) {
        int[] codes = token.getReasonCodes();
        if (codes != null) {
            for (int code : codes) {
                if (code >= 0x80 || code == MqttReturnCode.RETURN_CODE_NO_MATCHING_SUBSCRIBERS) {
                    return Optional.of(new MqttException(code));
                }
            }
        }
        return Optional.empty();
    }
}
