package io.vitalwire.sims.faults;

import io.vitalwire.sims.bench.SignedWebhookReceiver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What the alert tests give their cloud-ingest replicas and their clinician's receiver: one key for the endpoints'
 * secrets at rest shared by every replica (as operators must), retry steps short enough to wait for, and the receiver
 * registered as an endpoint through a replica's admin API, verifying with the secret that answer shows once.
 */
final class AlertWebhooks {

    private static final String KEY_FILE = "webhook-secret.key";

    private final Path dir;
    private String secret;

    AlertWebhooks(Path dir) {
        this.dir = dir;
    }

    /** @param retryDelays the waits after a failed attempt, instead of the specification's 5 s, 5 min, … */
    Map<String, String> replicaSettings(String retryDelays) {
        return Map.of("vitalwire.ingest.notify.secret-key-file", dir.resolve(KEY_FILE).toString(),
                "vitalwire.ingest.notify.retry-delays", retryDelays);
    }

    /** {@code POST /admin/webhooks/endpoints} with the receiver's URL; the receiver then verifies with its secret. */
    void register(IngestReplica replica, SignedWebhookReceiver receiver) throws IOException, InterruptedException {
        secret = replica.post("/admin/webhooks/endpoints", "{\"url\": \"" + receiver.url() + "\"}").get("secret")
                .asText();
        receiver.verifyWith(secret);
    }

    /** What no log may hold: the endpoint's secret, its key material alone, and the key that seals it at rest. */
    List<String> secrets() throws IOException {
        return List.of(secret, secret.substring("whsec_".length()), Files.readString(dir.resolve(KEY_FILE)).strip());
    }
}
