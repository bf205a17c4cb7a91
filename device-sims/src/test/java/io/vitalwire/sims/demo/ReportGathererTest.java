package io.vitalwire.sims.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which of the tenant's alerts a run's report tells as its own. */
class ReportGathererTest {

    private static final Instant STARTED = Instant.parse("2026-12-03T13:20:00Z");
    private static final Set<String> PATIENTS = Set.of("101", "102");

    @Test
    void aboutThisRunsPatients_only() {
        assertThat(ReportGatherer.aboutThisRun(PATIENTS, "Patient/101", "demo-gw-1", STARTED, STARTED)).isTrue();
        assertThat(ReportGatherer.aboutThisRun(PATIENTS, "Patient/7", DemoServices.GATEWAY_ID, STARTED, STARTED))
                .as("an earlier run's patient, through the same gateway id").isFalse();
    }

    @Test
    void aboutThisRunsGateway_sinceTheRunBegan() {
        assertThat(ReportGatherer.aboutThisRun(PATIENTS, null, DemoServices.GATEWAY_ID, STARTED.plusSeconds(30),
                STARTED)).as("its low battery").isTrue();
        // CI's failure: an earlier run's gateway silent since an hour before, alerted during this run.
        assertThat(ReportGatherer.aboutThisRun(PATIENTS, null, DemoServices.GATEWAY_ID,
                Instant.parse("2026-12-03T12:13:21Z"), STARTED)).isFalse();
        assertThat(ReportGatherer.aboutThisRun(PATIENTS, null, "fleet-hub-17", STARTED.plusSeconds(30), STARTED))
                .isFalse();
    }
}
