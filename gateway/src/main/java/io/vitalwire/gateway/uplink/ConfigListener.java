package io.vitalwire.gateway.uplink;

import io.vitalwire.contract.Channel;
import io.vitalwire.contract.ContractViolation;
import io.vitalwire.contract.Topic;
import io.vitalwire.gateway.remote.RemoteConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This gateway's configuration from the cloud, retained on its {@code …/config} topic (contract 1.2): handed to
 * {@link RemoteConfig}, which decides. Only this gateway's own topic counts (the broker's ACL lets it read nothing
 * else, and lets only cloud-ingest write there). An empty payload is the broker clearing a retained message, not a
 * configuration: ignored.
 */
final class ConfigListener {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigListener.class);

    private final String topic;
    private final RemoteConfig remote;

    ConfigListener(UplinkTopics topics, RemoteConfig remote) {
        this.topic = topics.path(Channel.CONFIG);
        this.remote = remote;
    }

    String topic() {
        return topic;
    }

    /** Whether the message is this listener's: arrived on the config topic. */
    boolean accepts(String arrivedOn) {
        return topic.equals(arrivedOn);
    }

    /** On the MQTT client's thread. */
    void arrived(byte[] payload) {
        if (payload.length == 0) {
            return;
        }
        try {
            remote.offer(Topic.parse(topic), payload);
        } catch (ContractViolation e) {
            // Our own topic always parses.
            LOG.error("this gateway's config topic does not parse: {}", e.getMessage());
        }
    }
}
