package io.vitalwire.ingest.bench;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.vitalwire.contract.Reading;
import io.vitalwire.ingest.fhir.FhirSink;
import io.vitalwire.ingest.fhir.ObservationMapper;
import io.vitalwire.ingest.pipeline.Owner;
import io.vitalwire.ingest.testing.TestStack;
import io.vitalwire.ingest.window.StreamWindows;
import io.vitalwire.ingest.fhir.WindowCloser;
import io.vitalwire.ingest.window.WindowedSample;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.Observation;

/**
 * FHIR writes per 1,000 readings of a 1 Hz heart-rate stream: cloud-ingest's windowed streams (window/ — each
 * sample stored in its window in PostgreSQL, one Observation per patient, device, code and minute written by the
 * {@link WindowCloser} with a conditional update) beside spot mapping of the same stream (one Observation per
 * reading, {@link FhirSink} transactions of one message's readings each), in the same run. Counted, not computed:
 * the HTTP requests the FHIR client sent (an interceptor on cloud-ingest's client), and the Observations the server
 * then holds for each path's patient. Spot mapping runs twice: one reading per message (a live stream, each
 * notification published as it arrives) and {@code batch} per message (a backlog drained in batches).
 *
 * <p>Usage: {@code deploy/dev/bench.sh ingest-windows [readings] [readings per message]} (defaults 1000, 60).
 */
public final class WriteAmplificationBenchmark {

    private WriteAmplificationBenchmark() {
    }

    /** One path's result. */
    private record Writes(String path, int readings, int requests, int observations, double seconds) {

        double per1000(int count) {
            return count * 1000.0 / readings;
        }
    }

    public static void main(String[] args) throws Exception {
        int readings = BenchStats.intArg(args, 0, 1_000);
        int batch = BenchStats.intArg(args, 1, 60);
        String run = UUID.randomUUID().toString().substring(0, 8);
        // A stream long past, whole minutes from its start: every window has ended and is due at once.
        Instant start = Instant.now().minus(Duration.ofDays(4)).truncatedTo(ChronoUnit.HOURS);
        List<Writes> results = new ArrayList<>();
        try (BenchContext context = new BenchContext(Map.of("vitalwire.ingest.fhir.url", TestStack.SETTINGS.fhirUrl(),
                "vitalwire.ingest.window.grace", "0s"))) {
            CountingInterceptor counter = new CountingInterceptor();
            context.bean(IGenericClient.class).registerInterceptor(counter);
            BenchFhir fhir = new BenchFhir(context.bean(FhirContext.class).newRestfulGenericClient(
                    TestStack.SETTINGS.fhirUrl()));
            Paths paths = new Paths(run, start, readings, context.bean(StreamWindows.class),
                    context.bean(WindowCloser.class), context.bean(ObservationMapper.class),
                    context.bean(FhirSink.class), counter, fhir);
            results.add(paths.windowed(0, batch));
            results.add(paths.spot(1, 1));
            results.add(paths.spot(2, batch));
        }
        // Every path wrote what it must, or its figures mean nothing: a window a minute, a spot Observation a reading.
        require(results.get(0), (readings + 59) / 60);
        require(results.get(1), readings);
        require(results.get(2), readings);
        Writes windowed = results.get(0);
        System.out.printf("%nFHIR writes for a 1 Hz heart-rate stream, %,d readings (%s of samples)%n", readings,
                Duration.ofSeconds(readings));
        System.out.printf("  %-34s %9s %11s %8s %13s %11s %8s %8s%n", "path", "requests", "per 1000 rd",
                "÷ win", "Observations", "per 1000 rd", "÷ win", "seconds");
        for (Writes w : results) {
            System.out.printf("  %-34s %9d %11.1f %7.1f× %13d %11.1f %7.1f× %8.1f%n", w.path(), w.requests(),
                    w.per1000(w.requests()), (double) w.requests() / windowed.requests(), w.observations(),
                    w.per1000(w.observations()), (double) w.observations() / windowed.observations(), w.seconds());
        }
    }

    /** The paths, each on a strap and patient of its own, over the same span of time. */
    private record Paths(String run, Instant start, int readings, StreamWindows windows, WindowCloser closer,
                         ObservationMapper mapper, FhirSink sink, CountingInterceptor counter, BenchFhir fhir) {

        Writes windowed(int strap, int perMessage) throws Exception {
            return measure("windowed (1 Observation / minute)", strap, perMessage, (owner, message) -> {
                List<WindowedSample> samples = new ArrayList<>(message.size());
                for (Reading r : message) {
                    if (!windows.isContinuous(r)) {
                        throw new IllegalStateException("a 2A37 reading is not windowed: check window.sources");
                    }
                    samples.add(windows.sample(r, owner, mapper.singleQuantity(r)));
                }
                windows.add(samples);
            }, () -> {
                while (closer.closeDue(Instant.now()) > 0) {
                    // until every due window is written
                }
            });
        }

        Writes spot(int strap, int perMessage) throws Exception {
            return measure("spot, " + perMessage + " reading(s) per message", strap, perMessage, (owner, message) -> {
                List<Observation> observations = new ArrayList<>(message.size());
                for (Reading r : message) {
                    observations.add(mapper.map(r, owner));
                }
                sink.write(observations);
            }, () -> { });
        }

        /** Hands the path the stream message by message, then lets it finish; counts what reached the server. */
        private Writes measure(String path, int strap, int perMessage, MessageWriter writer, Runnable finish)
                throws Exception {
            Owner owner = fhir.owner(HeartRateStreams.strap(run, strap));
            List<Reading> stream = HeartRateStreams.readings(run, strap, 1, start, readings);
            int requestsBefore = counter.requests();
            long began = System.nanoTime();
            for (List<Reading> message : HeartRateStreams.slices(stream, perMessage)) {
                writer.write(owner, message);
            }
            finish.run();
            double seconds = BenchStats.seconds(began);
            return new Writes(path, readings, counter.requests() - requestsBefore,
                    fhir.observationsOf(owner.patient()), seconds);
        }
    }

    private static void require(Writes writes, int observations) {
        if (writes.observations() != observations) {
            throw new IllegalStateException(writes.path() + " left " + writes.observations()
                    + " Observations on the server, expected " + observations);
        }
    }

    /** One message's readings, written the path's way for their owner. */
    private interface MessageWriter {
        void write(Owner owner, List<Reading> message) throws Exception;
    }
}
