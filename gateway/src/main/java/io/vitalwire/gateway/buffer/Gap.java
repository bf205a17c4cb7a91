package io.vitalwire.gateway.buffer;

import io.vitalwire.contract.ContractVersion;
import io.vitalwire.contract.GatewayEvent;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A stretch of time in which the buffer refused readings of one lane, at capacity or with its disk full: what is missing downstream and
 * from which devices, never what the readings were. Kept durably until the cloud has been told.
 *
 * @param id              the gap's number in this buffer; a later report of the same id supersedes an earlier one
 * @param refusedReadings readings refused so far (cumulative)
 * @param reason          at capacity, or the disk full
 * @param devices         stable ids ({@code sn.…}, {@code bd.…}) of the devices whose readings were refused, at most
 *                        {@link #MAX_DEVICES}
 */
public record Gap(long id, Lane lane, Instant firstRefusedAt, Instant lastRefusedAt, long refusedReadings,
                  List<String> devices, GapReason reason) {

    /** A home has a handful of devices; the bound only keeps a misbehaving source from growing the row. */
    static final int MAX_DEVICES = 32;

    public Gap {
        devices = List.copyOf(devices);
    }

    /** The contract event that reports it on the gateway's {@code events} channel. */
    public GatewayEvent toEvent(String gatewayId) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("gapId", Long.toString(id));
        attributes.put("reason", reason.label());
        attributes.put("lane", lane.name().toLowerCase(Locale.ROOT));
        attributes.put("firstRefusedAt", firstRefusedAt.toString());
        attributes.put("lastRefusedAt", lastRefusedAt.toString());
        attributes.put("refusedReadings", Long.toString(refusedReadings));
        attributes.put("deviceCount", Integer.toString(devices.size()));
        attributes.put("devices", String.join(",", devices));
        return new GatewayEvent(ContractVersion.CURRENT, gatewayId, firstRefusedAt, "gap", attributes);
    }
}
