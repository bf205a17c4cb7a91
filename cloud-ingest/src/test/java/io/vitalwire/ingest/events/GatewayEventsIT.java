package io.vitalwire.ingest.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.vitalwire.contract.Channel;
import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.ContractVersion;
import io.vitalwire.contract.GatewayEvent;
import io.vitalwire.contract.Topic;
import io.vitalwire.ingest.quarantine.QuarantineReason;
import io.vitalwire.ingest.quarantine.QuarantineStore;
import io.vitalwire.ingest.testing.StackTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A gateway's events as the consumer hands them over: stored once per payload, listed through the admin API,
 * counted; a payload that breaks the contract is quarantined.
 */
@MicronautTest
class GatewayEventsIT extends StackTest {

    private final ContractCodec codec = new ContractCodec();

    @Inject
    GatewayEvents events;
    @Inject
    QuarantineStore quarantine;
    @Inject
    MeterRegistry metrics;

    GatewayEventsIT() {
        super("gw-events");
    }

    @Test
    void aGapEvent_isStoredOnce_listedNewestFirst_andCounted() throws Exception {
        String topic = Topic.of("home", gateway, Channel.EVENTS).path();
        byte[] first = codec.encode(gap(1, 12));
        byte[] grown = codec.encode(gap(1, 40));
        byte[] connected = codec.encode(new GatewayEvent(ContractVersion.CURRENT, gateway, Instant.now(),
                "device-connected", Map.of("device", "sn.SCALE-1")));
        double gapsBefore = counted("gap");

        events.handle(topic, first);
        events.handle(topic, first);
        events.handle(topic, grown);
        events.handle(topic, connected);

        assertThat(counted("gap") - gapsBefore).as("a redelivery is not a new event").isEqualTo(2);
        JsonNode all = admin.get("/admin/gateways/" + gateway + "/events?limit=2");
        assertThat(all.get("events")).extracting(e -> e.get("type").asText())
                .containsExactly("device-connected", "gap");
        assertThat(all.at("/events/1/attributes/refusedReadings").asText()).isEqualTo("40");
        assertThat(all.at("/events/1/tenant").asText()).isEqualTo("home");
        JsonNode rest = admin.get("/admin/gateways/" + gateway + "/events?limit=2&before=" + all.get("next").asLong());
        assertThat(rest.get("events")).singleElement()
                .satisfies(e -> assertThat(e.at("/attributes/refusedReadings").asText()).isEqualTo("12"));
        JsonNode gaps = admin.get("/admin/gateways/" + gateway + "/events?type=gap");
        assertThat(gaps.get("events")).hasSize(2);
        assertThat(gaps.get("next").isNull()).isTrue();
        assertThat(admin.get("/admin/gateways/gw-nobody-" + run + "/events").get("events")).isEmpty();
    }

    @Test
    void anEventBreakingTheContract_isQuarantined_andTheListingRefusesNonsense() throws Exception {
        String topic = Topic.of("home", gateway, Channel.EVENTS).path();
        byte[] foreign = codec.encode(new GatewayEvent(ContractVersion.CURRENT, "gw-other-" + run, Instant.now(),
                "gap", Map.of()));
        events.handle(topic, foreign);
        events.handle(topic, "{\"v\":\"1.0\"".getBytes(StandardCharsets.UTF_8));

        assertThat(quarantine.list(new QuarantineStore.Filter(QuarantineReason.CONTRACT_VIOLATION, null),
                Long.MAX_VALUE, 10)).filteredOn(e -> e.topic().equals(topic)).hasSize(2);
        assertThat(admin.get("/admin/gateways/gw-other-" + run + "/events").get("events")).isEmpty();
        assertThat(admin.status("/admin/gateways/bad.id/events")).isEqualTo(400);
        assertThat(admin.status("/admin/gateways/" + gateway + "/events?type=Not_Kebab")).isEqualTo(400);
        assertThat(admin.status("/admin/gateways/" + gateway + "/events?limit=0")).isEqualTo(400);
    }

    private GatewayEvent gap(long id, long refused) {
        return new GatewayEvent(ContractVersion.CURRENT, gateway, Instant.parse("2026-11-23T10:15:00Z"), "gap",
                Map.of("gapId", Long.toString(id), "reason", "capacity", "lane", "critical",
                        "firstRefusedAt", "2026-11-23T10:15:00Z", "lastRefusedAt", "2026-11-23T10:16:00Z",
                        "refusedReadings", Long.toString(refused), "deviceCount", "1", "devices", "sn.HR-1"));
    }

    private double counted(String type) {
        Counter c = metrics.find("vitalwire.ingest.gateway.events").tag("type", type).counter();
        return c == null ? 0 : c.count();
    }
}
