package io.vitalwire.ingest.notify;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookSigningException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The {@code webhook-signature} header, by Standard Webhooks' reference library: one {@code v1,<base64 HMAC-SHA256
 * of id.timestamp.body>} per secret, space-separated, so that during a rotation a receiver holding either secret
 * verifies the delivery.
 */
final class WebhookSigner {

    private WebhookSigner() {
    }

    /** @param secrets at least one */
    static String signature(List<SigningSecret> secrets, String webhookId, long timestamp, String body) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("no secret to sign with");
        }
        return secrets.stream().map(s -> sign(s, webhookId, timestamp, body)).collect(Collectors.joining(" "));
    }

    private static String sign(SigningSecret secret, String webhookId, long timestamp, String body) {
        try {
            return new Webhook(secret.bytes()).sign(webhookId, timestamp, body);
        } catch (WebhookSigningException e) {
            // HmacSHA256 missing or the key refused: a broken JVM, not a delivery problem.
            throw new IllegalStateException("cannot sign a webhook: " + e.getMessage(), e);
        }
    }
}
