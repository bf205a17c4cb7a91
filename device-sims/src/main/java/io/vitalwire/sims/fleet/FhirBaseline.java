package io.vitalwire.sims.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
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

    private final URI base;
    private final String patientReference;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final ObjectMapper json = new ObjectMapper();

    FhirBaseline(URI fhir, String patientReference) {
        this.base = URI.create(fhir.toString().endsWith("/") ? fhir.toString() : fhir + "/");
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
                        post(bundle(client + "-" + bundle));
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
        ObjectNode bundle = json.createObjectNode().put("resourceType", "Bundle").put("type", "transaction");
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
            o.put("effectiveDateTime", java.time.Instant.now().toString());
            o.putObject("valueQuantity").put("value", 36.6).put("unit", "Cel").put("system", "http://unitsofmeasure.org")
                    .put("code", "Cel");
        }
        return bundle;
    }

    private void post(ObjectNode bundle) throws IOException, InterruptedException {
        HttpResponse<Void> response = http.send(HttpRequest.newBuilder(base)
                .header("Content-Type", "application/fhir+json").timeout(Duration.ofMinutes(2))
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(bundle))).build(),
                HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() != 200) {
            throw new IOException("FHIR baseline transaction answered HTTP " + response.statusCode());
        }
    }

    /** The logical reference of a fleet hub's patient, found by its simulation identifier. */
    static String patientReference(URI fhir, FleetHub hub) throws IOException, InterruptedException {
        URI base = URI.create(fhir.toString().endsWith("/") ? fhir.toString() : fhir + "/");
        HttpResponse<String> found = HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve(
                "Patient?identifier=" + java.net.URLEncoder.encode(io.vitalwire.sims.provision.FhirProvisioner.PATIENT_ID
                        + "|" + hub.patientSimId(), java.nio.charset.StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
        String id = new ObjectMapper().readTree(found.body()).at("/entry/0/resource/id").asText();
        if (id.isEmpty()) {
            throw new IllegalStateException("the fleet's first patient is not on the FHIR server");
        }
        return "Patient/" + id;
    }
}
