package io.vitalwire.contract;

import java.time.Instant;

/**
 * The retained message on {@code …/state}: "online" as the birth message after every connect, "offline" as the last
 * will the broker publishes when the gateway vanishes, and on a clean shutdown. Being retained, it tells a new
 * subscriber at once whether each gateway is there.
 *
 * @param v         contract version
 * @param gatewayId the gateway
 * @param state     online or offline
 * @param at        for "online", when the gateway connected; for a last will, when that connection was made (the
 *                  broker sends the will unchanged, so it cannot know the time of the loss)
 * @param software  the gateway's software version; optional
 */
public record GatewayState(String v, String gatewayId, Presence state, Instant at, String software)
        implements ContractMessage {

    public GatewayState {
        FieldViolation.required("v", v);
        FieldViolation.required("gatewayId", gatewayId);
        FieldViolation.required("state", state);
        FieldViolation.required("at", at);
    }
}
