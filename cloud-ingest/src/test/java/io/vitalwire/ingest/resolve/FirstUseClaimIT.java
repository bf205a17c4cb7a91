package io.vitalwire.ingest.resolve;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.contract.Reading;
import io.vitalwire.ingest.installation.DeviceInstallations;
import io.vitalwire.ingest.installation.Hub;
import io.vitalwire.ingest.installation.Installation;
import io.vitalwire.ingest.pipeline.StageEntry;
import io.vitalwire.ingest.testing.RecordedOutcomes;
import io.vitalwire.ingest.testing.StackTest;
import io.vitalwire.testing.GatewayMessages;
import io.vitalwire.testing.GatewayReadings;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The devices a resolve claim uses first are bound together, one transaction for the claim: each at the hub that
 * sent its first assigned reading, each audited; a device that two hubs send in one claim is bound to the first and
 * every reading of the other hub is quarantined, also the later ones; when the installations cannot be written, only
 * the first-used devices' readings wait for a retry.
 */
@MicronautTest
class FirstUseClaimIT extends StackTest {

    @Inject
    ResolveStage resolve;
    @Inject
    DeviceInstallations installations;
    @Inject
    DataSource dataSource;

    private long nextId = 1;

    FirstUseClaimIT() {
        super("gw-first");
    }

    @Override
    protected Map<String, String> overrides() {
        return Map.of("vitalwire.ingest.inbox.workers-enabled", "false");
    }

    @Test
    void theDevicesAClaimUsesFirst_areEachBoundAtTheirHub_withAnAuditEntryEach() throws Exception {
        String patient = fixtures.patient();
        List<DeviceIdentity> devices = List.of(registered("SCALE-A", patient), registered("SCALE-B", patient),
                registered("SCALE-C", patient));
        Instant at = minuteBefore(Duration.ofMinutes(30));
        List<StageEntry> claim = new ArrayList<>();
        for (DeviceIdentity device : devices) {
            claim.add(entry(gateway, GatewayReadings.weight(gateway, device, at, "72.0")));
            claim.add(entry(gateway, GatewayReadings.weight(gateway, device, at.plusSeconds(60), "72.1")));
        }

        RecordedOutcomes outcomes = new RecordedOutcomes(claim);
        resolve.handle(outcomes);

        assertThat(outcomes.outcomes()).hasSize(6).allSatisfy((id, outcome) -> assertThat(outcome)
                .startsWith("owned: "));
        Map<String, Installation> installed = installations.of(devices.stream().map(DeviceIdentity::stableId)
                .toList());
        assertThat(installed).hasSize(3).allSatisfy((device, installation) -> {
            assertThat(installation.hub()).isEqualTo(new Hub(TENANT, gateway));
            assertThat(installation.installedBy()).isEqualTo(Installation.FIRST_USE);
        });
        for (DeviceIdentity device : devices) {
            assertThat(admin.get("/admin/devices/" + device.stableId() + "/installations"))
                    .as("one audit entry for its first use").hasSize(1);
        }
    }

    @Test
    void aDeviceTwoHubsSendInOneClaim_isBoundToTheFirst_andEveryReadingOfTheOtherHubIsQuarantined() {
        String patient = fixtures.patient();
        DeviceIdentity cuff = registered("CUFF", patient);
        String other = "gw-first-other-" + run;
        Instant at = minuteBefore(Duration.ofMinutes(30));
        StageEntry home = entry(gateway, GatewayReadings.weight(gateway, cuff, at, "70.0"));
        StageEntry stranger = entry(other, GatewayReadings.weight(other, cuff, at.plusSeconds(60), "99.0"));
        StageEntry strangerAgain = entry(other, GatewayReadings.weight(other, cuff, at.plusSeconds(120), "99.5"));
        StageEntry homeAgain = entry(gateway, GatewayReadings.weight(gateway, cuff, at.plusSeconds(180), "70.1"));

        RecordedOutcomes outcomes = new RecordedOutcomes(List.of(home, stranger, strangerAgain, homeAgain));
        resolve.handle(outcomes);

        assertThat(outcomes.outcomes().get(home.id())).startsWith("owned: ");
        assertThat(outcomes.outcomes().get(homeAgain.id())).startsWith("owned: ");
        assertThat(outcomes.outcomes().get(stranger.id())).isEqualTo("quarantined: DEVICE_NOT_AT_GATEWAY");
        assertThat(outcomes.outcomes().get(strangerAgain.id())).isEqualTo("quarantined: DEVICE_NOT_AT_GATEWAY");
        assertThat(installations.of(cuff.stableId()).orElseThrow().hub()).isEqualTo(new Hub(TENANT, gateway));
    }

    @Test
    void installationsPostgreSqlCannotWrite_holdBackOnlyTheFirstUsedDevicesReadings() throws Exception {
        String patient = fixtures.patient();
        DeviceIdentity installed = registered("THERMO-KNOWN", patient);
        DeviceIdentity fresh = registered("THERMO-NEW", patient);
        Instant at = minuteBefore(Duration.ofMinutes(30));
        resolve.handle(new RecordedOutcomes(List.of(entry(gateway, GatewayReadings.weight(gateway, installed, at,
                "70.0")))));
        StageEntry known = entry(gateway, GatewayReadings.weight(gateway, installed, at.plusSeconds(60), "70.2"));
        StageEntry first = entry(gateway, GatewayReadings.weight(gateway, fresh, at.plusSeconds(60), "71.0"));

        RecordedOutcomes outcomes = new RecordedOutcomes(List.of(known, first));
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("ALTER TABLE device_installation_audit RENAME TO device_installation_audit_away");
            try {
                resolve.handle(outcomes);
            } finally {
                s.execute("ALTER TABLE device_installation_audit_away RENAME TO device_installation_audit");
            }
        }

        assertThat(outcomes.outcomes().get(known.id())).startsWith("owned: ");
        assertThat(outcomes.outcomes().get(first.id())).isEqualTo("failed: ERROR");
        assertThat(installations.of(fresh.stableId())).as("nothing half-written").isEmpty();
    }

    private StageEntry entry(String hub, Reading reading) {
        return new StageEntry(nextId++, GatewayMessages.readingsTopic(TENANT, hub), reading.device().stableId(),
                Instant.now(), reading, null, 0);
    }
}
