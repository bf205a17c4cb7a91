package io.vitalwire.sims.fleet;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vitalwire.sims.provision.FhirProvisioner;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The FHIR server's own throughput, the fleet benchmark's baseline: Observations written as cloud-ingest's FHIR stage
 * writes them — transaction bundles of {@value #PER_BUNDLE} conditional creates by an identifier — by two clients
 * (cloud-ingest's two FHIR workers), with nothing else of ours running. Each is a body temperature of one fleet
 * patient under an identifier system of the benchmark's own, so no reading key is ever taken.
 */
final class FhirBaseline {

    static final int PER_BUNDLE = 100;
    private static final int CLIENTS = 2;
    private static final String SYSTEM = "https://vitalwire.io/fhir/NamingSystem/fleet-baseline";

    private final FhirTransactions fhir;
    private final String patientReference;

    FhirBaseline(URI fhir, String patientReference) {
        this.fhir = new FhirTransactions(fhir);
        this.patientReference = patientReference;
    }

    /** Observations/s over {@code window}. */
    double measure(Duration window) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        AtomicLong written = new AtomicLong();
        long deadline = System.nanoTime() + window.toNanos();
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                String client = run + "-" + c;
                clients.add(pool.submit(() -> {
                    for (int bundle = 0; System.nanoTime() < deadline; bundle++) {
                        fhir.post(bundle(client + "-" + bundle));
                        written.addAndGet(PER_BUNDLE);
                    }
                    return null;
                }));
            }
            for (Future<?> f : clients) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        return written.get() / ((System.nanoTime() - start) / 1e9);
    }

    private ObjectNode bundle(String prefix) {
        ObjectNode bundle = fhir.newBundle();
        ArrayNode entries = bundle.putArray("entry");
        for (int i = 0; i < PER_BUNDLE; i++) {
            String id = prefix + "-" + i;
            ObjectNode entry = entries.addObject();
            entry.putObject("request").put("method", "POST").put("url", "Observation")
                    .put("ifNoneExist", "identifier=" + SYSTEM + "|" + id);
            ObjectNode o = entry.putObject("resource").put("resourceType", "Observation").put("status", "final");
            o.putArray("identifier").addObject().put("system", SYSTEM).put("value", id);
            o.putObject("code").putArray("coding").addObject().put("system", "http://loinc.org")
                    .put("code", "8310-5");
            o.putObject("subject").put("reference", patientReference);
            o.put("effectiveDateTime", Instant.now().toString());
            o.putObject("valueQuantity").put("value", 36.6).put("unit", "Cel").put("system", "http://unitsofmeasure.org")
                    .put("code", "Cel");
        }
        return bundle;
    }

    /** The logical reference of a fleet hub's patient, found by its simulation identifier. */
    static String patientReference(URI fhir, FleetHub hub) throws IOException, InterruptedException {
        String id = new FhirTransactions(fhir).get("Patient?identifier=" + URLEncoder.encode(
                FhirProvisioner.PATIENT_ID + "|" + hub.patientSimId(), StandardCharsets.UTF_8))
                .at("/entry/0/resource/id").asText();
        if (id.isEmpty()) {
            throw new IllegalStateException("the fleet's first patient is not on the FHIR server");
        }
        return "Patient/" + id;
    }
}
