package io.vitalwire.contract;

import java.time.Instant;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Something that happened at the gateway and matters downstream, on {@code …/events}: e.g. a device connected, a
 * buffer at capacity refused readings (a gap), a device's clock was set.
 *
 * @param v          contract version
 * @param gatewayId  the gateway
 * @param at         when it happened (UTC)
 * @param type       a short kebab-case word, e.g. "gap", "device-connected"
 * @param attributes details; never patient data
 */
public record GatewayEvent(String v, String gatewayId, Instant at, String type, Map<String, String> attributes)
        implements ContractMessage {

    private static final Pattern TYPE = Pattern.compile("[a-z0-9-]{1,40}");

    public GatewayEvent {
        FieldViolation.required("v", v);
        FieldViolation.required("gatewayId", gatewayId);
        FieldViolation.required("at", at);
        FieldViolation.matching("type", type, TYPE);
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }
}
