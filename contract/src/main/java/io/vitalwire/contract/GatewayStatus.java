package io.vitalwire.contract;

import java.time.Instant;
import java.util.Map;

/**
 * The heartbeat on {@code …/status}: how the gateway is doing, without anything about patients.
 *
 * @param v                     contract version
 * @param gatewayId             the sending gateway
 * @param at                    when the status was taken (UTC)
 * @param queueDepth            readings accepted but not yet delivered: since 1.1, not yet named by a {@link Receipt}
 *                              (before, not yet acknowledged by the broker)
 * @param oldestUnsentAgeMillis age of the oldest such reading; {@code null} when none is waiting. Kept for receivers
 *                              of 1.0; since 1.1 it equals {@code oldestUnreceiptedAgeMillis}
 * @param uplink                the uplink's state, e.g. "connected", "draining"
 * @param adapters              state per input adapter, e.g. {"ble": "powered", "coap": "listening"}
 * @param clockSync             whether the gateway's clock is synchronised
 * @param awaitingReceipt       of {@code queueDepth}, the readings the broker acknowledged whose receipt has not come
 *                              yet (since 1.1; absent from older gateways)
 * @param oldestUnreceiptedAgeMillis age of the oldest reading not yet receipted; {@code null} when none (since 1.1)
 * @param configVersion         the {@link GatewayConfig#version()} the gateway applied; {@code null} while it runs on
 *                              its local configuration (since 1.2)
 */
public record GatewayStatus(String v, String gatewayId, Instant at, Long queueDepth, Long oldestUnsentAgeMillis,
                            String uplink, Map<String, String> adapters, ClockSync clockSync, Long awaitingReceipt,
                            Long oldestUnreceiptedAgeMillis, Long configVersion)
        implements ContractMessage {

    public GatewayStatus {
        FieldViolation.required("v", v);
        FieldViolation.required("gatewayId", gatewayId);
        FieldViolation.required("at", at);
        FieldViolation.required("queueDepth", queueDepth);
        FieldViolation.required("uplink", uplink);
        adapters = adapters == null ? Map.of() : Map.copyOf(adapters);
        FieldViolation.required("clockSync", clockSync);
        if (configVersion != null && configVersion < 1) {
            throw FieldViolation.invalid("configVersion", "must be positive");
        }
    }
}
