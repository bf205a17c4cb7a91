package io.vitalwire.sims.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway's benchmarks, each run small against the dev stack's broker: correctness only (issue 17: a benchmark
 * that breaks is noticed). Each benchmark checks that every reading it sent was stored or arrived, and throws
 * otherwise; here it must also print its summary. Not timed: the figures of a run this small mean nothing.
 *
 * <p>The home and footprint benchmarks start the installed gateway jar from the repository root and take minutes;
 * the fleet benchmark has {@code FleetSmokeIT}.
 */
class BenchmarkSmokeIT {

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private PrintStream out;

    @BeforeEach
    void capture() {
        out = System.out;
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void release() {
        System.setOut(out);
        out.print(printed.toString(StandardCharsets.UTF_8));
    }

    private String printed() {
        return printed.toString(StandardCharsets.UTF_8);
    }

    @Test
    void intake_storesEveryReading_onEveryPath() throws Exception {
        BufferIntakeBenchmark.main(new String[] {"3000", "500", "4", "10"});

        assertThat(printed()).contains("Durable intake, 3,000 readings", "1 writer / raw", "4 writers / raw",
                "packs per group commit", "raw group commit of 4 writers / raw");
    }

    @Test
    void uplink_everyReadingArrives_onEveryPath() throws Exception {
        UplinkBenchmark.main(new String[] {"3000"});

        assertThat(printed()).contains("Uplink to Mosquitto at QoS 1, 3,000 readings", "gateway / packed",
                "gateway / single");
    }

    @Test
    void drain_everyBacklogAndLiveReadingArrives() throws Exception {
        DrainBenchmark.main(new String[] {"5000", "20", "1"});

        assertThat(printed()).contains("Drain of 5,000 buffered readings", "drain / floor", "live latency");
    }

    @Test
    void coap_everyAnsweredReadingIsInTheBuffer() throws Exception {
        CoapIntakeBenchmark.main(new String[] {"2", "10", "2"});

        assertThat(printed()).contains("CoAP/DTLS intake: 2 devices", "ratio");
    }
}
