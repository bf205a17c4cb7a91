package io.vitalwire.sims.fleet;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vitalwire.sims.provision.FhirProvisioner;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Registers the fleet's patients and devices on the FHIR server, so that cloud-ingest resolves every reading: per
 * hub a Patient and a Device per device (serial identifier, {@code patient} reference), the same resources
 * {@link FhirProvisioner} makes one request each. Thousands of hubs go as transaction bundles of
 * {@value #HUBS_PER_BUNDLE} hubs (conditional creates: a second run creates nothing), two at a time — one request
 * per resource managed ~90 resources/s here, which is 13 minutes for 10,000 hubs. How far the fleet is registered is
 * remembered in the stack's state directory and checked against the server (the last hub's last device), so a later
 * run of the same or a smaller fleet sends nothing.
 */
final class FleetRegistry {

    static final int HUBS_PER_BUNDLE = 25;
    private static final int BUNDLES_AT_ONCE = 2;

    private final FhirTransactions fhir;
    private final Path marker;

    FleetRegistry(URI fhir, Path stateDir, String tenant) {
        this.fhir = new FhirTransactions(fhir);
        this.marker = stateDir.resolve("fleet").resolve(tenant + ".fhir-hubs");
    }

    /** What {@link #ensure} did: hubs and resources sent now, and how long that took. */
    record Registered(int hubs, int resources, double seconds) {
        double resourcesPerSecond() {
            return seconds == 0 ? 0 : resources / seconds;
        }
    }

    Registered ensure(List<FleetHub> hubs) throws Exception {
        int known = known(hubs);
        List<FleetHub> missing = hubs.subList(Math.min(known, hubs.size()), hubs.size());
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(BUNDLES_AT_ONCE);
        int resources = 0;
        try {
            List<Future<?>> sent = new ArrayList<>();
            for (int from = 0; from < missing.size(); from += HUBS_PER_BUNDLE) {
                List<FleetHub> block = missing.subList(from, Math.min(from + HUBS_PER_BUNDLE, missing.size()));
                resources += block.stream().mapToInt(h -> 1 + h.devices().size()).sum();
                sent.add(pool.submit(() -> {
                    fhir.post(bundle(block));
                    return null;
                }));
            }
            for (Future<?> f : sent) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        if (!missing.isEmpty()) {
            Files.createDirectories(marker.getParent());
            Files.writeString(marker, Integer.toString(hubs.size()));
        }
        return new Registered(missing.size(), resources, (System.nanoTime() - start) / 1e9);
    }

    /** Hubs registered by an earlier run, if the server still has the last of them; else 0. */
    private int known(List<FleetHub> hubs) throws IOException, InterruptedException {
        if (!Files.isRegularFile(marker)) {
            return 0;
        }
        int count = Integer.parseInt(Files.readString(marker).strip());
        if (count == 0) {
            return 0;
        }
        // A smaller fleet is a prefix of a larger one: hub numbers and serials do not depend on the fleet's size.
        FleetHub last = hubs.get(Math.min(count, hubs.size()) - 1);
        FleetHub.FleetDevice device = last.devices().get(last.devices().size() - 1);
        return fhir.get("Device?_summary=count&identifier=" + URLEncoder.encode(FhirProvisioner.DEVICE_SERIAL + "|"
                + device.serial(), StandardCharsets.UTF_8)).path("total").asInt() > 0 ? count : 0;
    }

    private ObjectNode bundle(List<FleetHub> hubs) {
        ObjectNode bundle = fhir.newBundle();
        ArrayNode entries = bundle.putArray("entry");
        for (FleetHub hub : hubs) {
            String patientUrl = "urn:uuid:" + UUID.randomUUID();
            ObjectNode patient = entry(entries, "Patient", FhirProvisioner.PATIENT_ID, hub.patientSimId());
            patient.put("fullUrl", patientUrl);
            ObjectNode p = patient.putObject("resource").put("resourceType", "Patient");
            identifier(p, FhirProvisioner.PATIENT_ID, hub.patientSimId());
            p.putArray("name").addObject().put("family", "Fleet").putArray("given").add("Hub" + hub.number());
            for (FleetHub.FleetDevice device : hub.devices()) {
                ObjectNode d = entry(entries, "Device", FhirProvisioner.DEVICE_SERIAL, device.serial())
                        .putObject("resource").put("resourceType", "Device").put("status", "active");
                identifier(d, FhirProvisioner.DEVICE_SERIAL, device.serial());
                d.putArray("deviceName").addObject().put("name", device.kind().name()).put("type", "model-name");
                d.putObject("patient").put("reference", patientUrl);
            }
        }
        return bundle;
    }

    private static ObjectNode entry(ArrayNode entries, String type, String system, String value) {
        ObjectNode entry = entries.addObject();
        entry.putObject("request").put("method", "POST").put("url", type)
                .put("ifNoneExist", "identifier=" + system + "|" + value);
        return entry;
    }

    private static void identifier(ObjectNode resource, String system, String value) {
        resource.putArray("identifier").addObject().put("system", system).put("value", value);
    }
}
