package io.vitalwire.ingest.bench;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.util.BundleBuilder;
import io.vitalwire.contract.Reading;
import io.vitalwire.ingest.fhir.FhirSink;
import io.vitalwire.ingest.fhir.FhirSystems;
import io.vitalwire.ingest.fhir.MappingException;
import io.vitalwire.ingest.fhir.ObservationMapper;
import io.vitalwire.ingest.pipeline.Owner;
import io.vitalwire.ingest.testing.TestStack;
import io.vitalwire.testing.Rounds;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.instance.model.api.IBaseBundle;
import org.hl7.fhir.r4.model.Observation;

/**
 * Observations/s into the FHIR server through cloud-ingest's FHIR path — {@link ObservationMapper} and
 * {@link FhirSink}, the real beans: each bundle's readings mapped, put into a transaction of conditional creates on
 * the reading key and posted — beside the same kind of bundles, built beforehand with HAPI's {@code BundleBuilder},
 * posted by a plain HAPI client in the same run. Each path writes new Observations for a patient of its own (a
 * conditional create that finds its Observation would be a cheaper read), rounds alternate between the paths, and
 * the server's count of each patient's Observations is checked at the end.
 *
 * <p>Usage: {@code deploy/dev/bench.sh ingest-fhir [observations per round] [per bundle] [clients]} (defaults 1000,
 * 100, 1). The FHIR server (HAPI JPA on PostgreSQL, see ../shared/notes/fhir-dev-server.md) is the limit of both.
 */
public final class FhirIngestBenchmark {

    private static final int ROUNDS = 3;
    private static final int WARM_UP = 200;

    private FhirIngestBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int total = BenchStats.intArg(args, 0, 1_000);
        int bundle = BenchStats.intArg(args, 1, 100);
        int clients = BenchStats.intArg(args, 2, 1);
        String run = UUID.randomUUID().toString().substring(0, 8);
        Instant start = Instant.now().minus(Duration.ofDays(3)).truncatedTo(ChronoUnit.MINUTES);
        Rounds rounds;
        try (BenchContext context = new BenchContext(Map.of("vitalwire.ingest.fhir.url",
                TestStack.SETTINGS.fhirUrl()))) {
            FhirContext fhirContext = context.bean(FhirContext.class);
            IGenericClient client = fhirContext.newRestfulGenericClient(TestStack.SETTINGS.fhirUrl());
            BenchFhir fhir = new BenchFhir(client);
            // One strap per path, so that the two never share a reading key.
            Owner oursOwner = fhir.owner(HeartRateStreams.strap(run, 0));
            Owner plainOwner = fhir.owner(HeartRateStreams.strap(run, 1));
            Paths paths = new Paths(run, context.bean(FhirSink.class), context.bean(ObservationMapper.class),
                    fhirContext, client, oursOwner, plainOwner, bundle, clients);
            paths.ours(start, WARM_UP);
            paths.plain(start, WARM_UP);
            rounds = Rounds.run(ROUNDS, "%8.1f Observations/s",
                    round -> paths.ours(start.plusSeconds(WARM_UP + (long) round * total), total),
                    round -> paths.plain(start.plusSeconds(WARM_UP + (long) round * total), total));
            int expected = WARM_UP + ROUNDS * total;
            require(fhir.observationsOf(oursOwner.patient()), expected, "cloud-ingest");
            require(fhir.observationsOf(plainOwner.patient()), expected, "plain client");
        }
        System.out.printf("%nFHIR transaction bundles of %d conditional creates, %,d Observations per round, "
                + "%d client(s), medians of %d rounds%n", bundle, total, clients, ROUNDS);
        rounds.print("cloud-ingest ObservationMapper + FhirSink", "plain HAPI client, prebuilt bundles");
    }

    /** The two paths, each writing {@code count} Observations of its strap from a time on. */
    private record Paths(String run, FhirSink sink, ObservationMapper mapper, FhirContext fhirContext,
                         IGenericClient client, Owner oursOwner, Owner plainOwner,
                         int bundle, int clients) {

        double ours(Instant from, int count) throws Exception {
            List<List<Reading>> bundles = HeartRateStreams.slices(readings(0, from, count), bundle);
            return timed(bundles, readings -> {
                List<Observation> observations = new ArrayList<>(readings.size());
                for (Reading r : readings) {
                    observations.add(mapper.map(r, oursOwner));
                }
                sink.write(observations);
            }, count);
        }

        double plain(Instant from, int count) throws Exception {
            List<IBaseBundle> bundles = new ArrayList<>();
            for (List<Reading> readings : HeartRateStreams.slices(readings(1, from, count), bundle)) {
                BundleBuilder builder = new BundleBuilder(fhirContext);
                for (Reading r : readings) {
                    // The entry FhirSink writes: a temporary id, a conditional create on the key, encoded alike.
                    String fullUrl = "urn:uuid:" + UUID.randomUUID();
                    builder.addTransactionCreateEntry(map(r), fullUrl).conditional("identifier="
                            + encode(FhirSystems.READING_KEY) + "|" + encode(r.key()));
                }
                bundles.add(builder.getBundle());
            }
            return timed(bundles, b -> client.transaction().withBundle(b).execute(), count);
        }

        private Observation map(Reading reading) {
            try {
                return mapper.map(reading, plainOwner);
            } catch (MappingException e) {
                throw new IllegalStateException(e);
            }
        }

        private List<Reading> readings(int strap, Instant from, int count) {
            return HeartRateStreams.readings(run, strap, 1, from, count);
        }

        /** Observations/s of {@code work} over the bundles, by {@code clients} threads taking bundles in turn. */
        private <T> double timed(List<T> bundles, Work<T> work, int count) throws Exception {
            ExecutorService threads = Executors.newFixedThreadPool(clients);
            AtomicInteger next = new AtomicInteger();
            List<Callable<Void>> tasks = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                tasks.add(() -> {
                    for (int i = next.getAndIncrement(); i < bundles.size(); i = next.getAndIncrement()) {
                        work.run(bundles.get(i));
                    }
                    return null;
                });
            }
            try {
                long start = System.nanoTime();
                for (Future<Void> done : threads.invokeAll(tasks)) {
                    done.get();
                }
                return count / BenchStats.seconds(start);
            } finally {
                threads.shutdown();
            }
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private interface Work<T> {
        void run(T item) throws Exception;
    }

    private static void require(int stored, int expected, String path) {
        if (stored != expected) {
            throw new IllegalStateException("the server holds " + stored + " Observations of the " + path
                    + " path, expected " + expected);
        }
    }
}
