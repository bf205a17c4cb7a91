package io.vitalwire.sims.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalwire.testing.PrintedOutput;
import org.junit.jupiter.api.Test;

/**
 * The gateway's benchmarks, each run small against the dev stack's broker: correctness only (issue 17: a benchmark
 * that breaks is noticed). Each benchmark checks that every reading it sent was stored or arrived, and throws
 * otherwise; here it must also print its summary. Not timed: the figures of a run this small mean nothing.
 *
 * <p>The footprint benchmark starts the gateway's jar ({@code gateway/target/gateway.jar}, relative to the working
 * directory: the repository root under {@code deploy/dev/bench.sh}, the module under Maven, so it is found either way)
 * — once each here, for a few seconds; so does the home benchmark, for a round of 5 s of each phase after its
 * 20 s settle. The fleet benchmark has {@code FleetSmokeIT}.
 */
class BenchmarkSmokeIT {

    @Test
    void intake_storesEveryReading_onEveryPath() throws Exception {
        try (PrintedOutput printed = PrintedOutput.capture()) {
            BufferIntakeBenchmark.main(new String[] {"3000", "500", "4", "10"});

            assertThat(printed.text()).contains("Durable intake, 3,000 readings", "1 writer / raw", "4 writers / raw",
                    "packs per group commit", "raw group commit of 4 writers / raw");
        }
    }

    @Test
    void uplink_everyReadingArrives_onEveryPath() throws Exception {
        try (PrintedOutput printed = PrintedOutput.capture()) {
            UplinkBenchmark.main(new String[] {"3000"});

            assertThat(printed.text()).contains("Uplink to Mosquitto at QoS 1, 3,000 readings", "gateway / packed",
                    "gateway / single");
        }
    }

    @Test
    void drain_everyBacklogAndLiveReadingArrives() throws Exception {
        try (PrintedOutput printed = PrintedOutput.capture()) {
            DrainBenchmark.main(new String[] {"5000", "20", "1"});

            assertThat(printed.text()).contains("Drain of 5,000 buffered readings", "drain / floor", "live latency");
        }
    }

    @Test
    void footprint_everyGatewayStartsAndAcceptsReadings() throws Exception {
        try (PrintedOutput printed = PrintedOutput.capture()) {
            FootprintBenchmark.main(new String[] {"2", "3", "1"});

            assertThat(printed.text()).contains("Gateway footprint", "gateway + AppCDS / idle JVM",
                    "readings accepted");
        }
    }

    @Test
    void coap_everyAnsweredReadingIsInTheBuffer() throws Exception {
        try (PrintedOutput printed = PrintedOutput.capture()) {
            CoapIntakeBenchmark.main(new String[] {"2", "10", "2"});

            assertThat(printed.text()).contains("CoAP/DTLS intake: 2 devices", "ratio");
        }
    }

    @Test
    void home_everyDeviceConnects_andReadingsReachTheCloudSide() throws Exception {
        try (PrintedOutput printed = PrintedOutput.capture()) {
            HomeLoadBenchmark.main(new String[] {"5", "1"});

            assertThat(printed.text()).contains("A home's steady load on its hub", "the cloud side received",
                    "home / idle CPU");
        }
    }

    @Test
    void alertLatency_everyFeverGetsOneVerifiedWebhook_atRestAndUnderLoad() throws Exception {
        try (PrintedOutput printed = PrintedOutput.capture()) {
            AlertLatencyBenchmark.main(new String[] {"4", "40", "1"});

            assertThat(printed.text()).contains("Alert latency: reading answered 2.04", "at rest", "under load",
                    "target p99");
        }
    }

    @Test
    void decode_everyCharacteristicDecodesOnEveryPath() throws Exception {
        try (PrintedOutput printed = PrintedOutput.capture()) {
            // In this JVM (no fork) and 50 ms iterations: whether it runs, not how fast.
            DecodeBenchmarks.main(new String[] {"0", "50"});

            assertThat(printed.text()).contains("decode/bl").contains(GattDecodeBenchmark.SAMPLES.keySet());
        }
    }
}
