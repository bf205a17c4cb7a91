package io.vitalwire.ingest.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalwire.testing.PrintedOutput;
import org.junit.jupiter.api.Test;

/**
 * cloud-ingest's benchmarks, each run small against the dev stack: correctness only (issue 17: a benchmark that
 * breaks is noticed). Each checks that every reading it wrote is in the store it measures — InfluxDB's points, the
 * FHIR server's Observations per patient, a window per minute of samples — and throws otherwise; here it must also
 * print its summary. Not timed: the figures of a run this small mean nothing.
 * {@code admin-views} runs on a fleet of 200 hubs and 1,000 patients instead of 10,000 and 50,000.
 */
class BenchmarkSmokeIT {

    @Test
    void ingestInflux_everyPointIsInInfluxDb_onBothPaths() throws Exception {
        try (PrintedOutput printed = PrintedOutput.capture()) {
            InfluxIngestBenchmark.main(new String[] {"1000", "250", "10"});

            assertThat(printed.text()).contains("InfluxDB writes, 1,000 readings per round", "ours / baseline");
        }
    }

    @Test
    void ingestFhir_everyObservationIsOnTheServer_onBothPaths() throws Exception {
        try (PrintedOutput printed = PrintedOutput.capture()) {
            FhirIngestBenchmark.main(new String[] {"40", "20", "1"});

            assertThat(printed.text()).contains("FHIR transaction bundles of 20 conditional creates",
                    "ours / baseline");
        }
    }

    @Test
    void ingestWindows_everyPathWritesItsObservations() throws Exception {
        try (PrintedOutput printed = PrintedOutput.capture()) {
            WriteAmplificationBenchmark.main(new String[] {"180", "60"});

            assertThat(printed.text()).contains("FHIR writes for a 1 Hz heart-rate stream, 180 readings");
        }
    }

    @Test
    void adminViews_everyPatientIsInTheReport() throws Exception {
        try (PrintedOutput printed = PrintedOutput.capture()) {
            AdminViewsBenchmark.main(new String[] {"1", "2", "200"});

            assertThat(printed.text()).contains("generated in", "hubs 200", "patients 1000",
                    "billing, all 1,000 patients in one CSV", "reading-days tally");
        }
    }
}
