package io.vitalwire.gateway.uplink;

import io.vitalwire.contract.Channel;
import io.vitalwire.contract.Topic;

/** This gateway's topics: each channel below its tenant and id, as the broker's ACL allows it to write. */
record UplinkTopics(String tenant, String gatewayId) {

    String path(Channel channel) {
        return Topic.of(tenant, gatewayId, channel).path();
    }
}
