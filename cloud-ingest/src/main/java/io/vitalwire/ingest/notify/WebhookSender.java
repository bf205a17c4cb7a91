package io.vitalwire.ingest.notify;

import io.vitalwire.backoff.RetryAfter;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;

/**
 * One HTTP attempt of a webhook: a JSON POST with the Standard Webhooks headers, by the JDK's HTTP client, answered
 * within {@link NotifyConfig#getTimeout()}, classified ({@link Attempt}). Redirects are not followed: a receiver
 * that moved is an operator's change to make, not something to follow with patient data.
 */
@Singleton
class WebhookSender {

    private static final int MAX_ERROR = 300;

    private final HttpClient http;
    private final Duration timeout;
    private final Clock clock;

    WebhookSender(NotifyConfig config, Clock clock) {
        this.timeout = config.getTimeout();
        this.clock = clock;
        this.http = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                // HTTP/1.1: no h2c upgrade dance with receivers behind older proxies.
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /** The signed request as it goes out. */
    record Signed(URI url, String webhookId, long timestamp, String signature, String body) {
    }

    /** Sends it once. Interrupted (shutting down): the exception goes up and the claim is rolled back. */
    Attempt send(Signed request) throws InterruptedException {
        HttpRequest post = HttpRequest.newBuilder(request.url())
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "vitalwire-cloud-ingest")
                .header("webhook-id", request.webhookId())
                .header("webhook-timestamp", Long.toString(request.timestamp()))
                .header("webhook-signature", request.signature())
                .POST(HttpRequest.BodyPublishers.ofString(request.body(), StandardCharsets.UTF_8))
                .build();
        HttpResponse<Void> response;
        try {
            response = http.send(post, HttpResponse.BodyHandlers.discarding());
        } catch (HttpConnectTimeoutException e) {
            return failed("no connection within " + timeout.toSeconds() + "s");
        } catch (HttpTimeoutException e) {
            return failed("no answer within " + timeout.toSeconds() + "s");
        } catch (ConnectException e) {
            return failed("connection refused");
        } catch (IOException e) {
            // The client's messages name what failed (TLS, a reset), not the URL.
            return failed(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return new Attempt.Delivered(status);
        }
        Attempt.Cause cause = status == 410 ? Attempt.Cause.GONE : Attempt.Cause.TRANSIENT;
        Duration retryAfter = response.headers().firstValue("Retry-After")
                .flatMap(v -> RetryAfter.parse(v, clock.instant())).orElse(null);
        return new Attempt.Failed(cause, status, "HTTP " + status, retryAfter);
    }

    private static Attempt failed(String error) {
        return new Attempt.Failed(Attempt.Cause.TRANSIENT, null,
                error.length() > MAX_ERROR ? error.substring(0, MAX_ERROR) : error, null);
    }
}
