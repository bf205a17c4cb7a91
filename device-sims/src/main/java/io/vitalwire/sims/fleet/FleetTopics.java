package io.vitalwire.sims.fleet;

import io.vitalwire.contract.Channel;
import io.vitalwire.contract.Topic;

/** A hub's topics, as the contract names them: below its tenant and gateway id, nothing else. */
final class FleetTopics {

    private FleetTopics() {
    }

    static String readings(FleetHub hub) {
        return Topic.of(hub.tenant(), hub.gatewayId(), Channel.READINGS).path();
    }

    static String receipts(FleetHub hub) {
        return Topic.of(hub.tenant(), hub.gatewayId(), Channel.RECEIPTS).path();
    }
}
