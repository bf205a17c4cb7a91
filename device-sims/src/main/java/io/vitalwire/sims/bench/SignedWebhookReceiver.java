package io.vitalwire.sims.bench;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A clinician's system receiving cloud-ingest's alert webhooks: a real HTTP server (the JDK's) on 127.0.0.1 that
 * verifies every request with Standard Webhooks' reference library ({@code com.standardwebhooks}) — never with
 * cloud-ingest's own signing code — and records each one: its webhook-id, body, whether it verified, what it was
 * answered and when it arrived. What it answers is up to its user ({@link #answer}): 503 while a test wants a
 * delivery to stay pending, a request held open while a replica is killed, 200 by default.
 *
 * <p>In main code because two places use it: the alert latency benchmark and the alert fault tests
 * ({@code io.vitalwire.sims.faults}), which a test-scoped fixture could not serve both of.
 */
public final class SignedWebhookReceiver implements AutoCloseable {

    private static final String PATH = "/alerts";

    /** What the receiver answers to one request; may block (a receiver slow to answer). */
    @FunctionalInterface
    public interface Answer {
        int status(Request request) throws InterruptedException;
    }

    /**
     * One request as received.
     *
     * @param failure      why the reference library refused its signature; null when it verified
     * @param arrivedNanos {@link System#nanoTime()} once it was verified (or refused)
     * @param arrivedMillis the wall clock at the same moment, to compare with other processes' timestamps
     * @param status       what the receiver answered
     */
    public record Request(String webhookId, String body, String failure, long arrivedNanos, long arrivedMillis,
                          int status) {

        public boolean verified() {
            return failure == null;
        }

        /** A 2xx: delivered, as far as the sender can tell. */
        public boolean accepted() {
            return status >= 200 && status < 300;
        }
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(8);
    private final List<Request> received = new CopyOnWriteArrayList<>();
    private volatile Webhook verifier;
    private volatile Answer answer = request -> 200;

    private SignedWebhookReceiver(HttpServer server) {
        this.server = server;
        server.setExecutor(threads);
        server.createContext(PATH, this::handle);
        server.start();
    }

    public static SignedWebhookReceiver start() throws IOException {
        return new SignedWebhookReceiver(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100));
    }

    /** The URL to register as an endpoint: plain http, which cloud-ingest allows to loopback only. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + PATH;
    }

    /** The endpoint's signing secret ({@code whsec_…}) as cloud-ingest's admin API returned it; none: all refused. */
    public void verifyWith(String secret) {
        this.verifier = new Webhook(secret);
    }

    /** How the next requests are answered. */
    public void answer(Answer answer) {
        this.answer = answer;
    }

    public List<Request> received() {
        return List.copyOf(received);
    }

    public List<Request> received(String webhookId) {
        return received.stream().filter(r -> webhookId.equals(r.webhookId())).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String failure = verify(body, exchange);
            long nanos = System.nanoTime();
            long millis = System.currentTimeMillis();
            String webhookId = exchange.getRequestHeaders().getFirst("webhook-id");
            Request request = new Request(webhookId, body, failure, nanos, millis, 0);
            int status = answer.status(request);
            received.add(new Request(webhookId, body, failure, nanos, millis, status));
            exchange.sendResponseHeaders(status, -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException senderGone) {
            // A sender killed while its request was held: nobody to answer.
        }
    }

    private String verify(String body, HttpExchange exchange) {
        Webhook webhook = verifier;
        if (webhook == null) {
            return "no secret to verify with";
        }
        try {
            webhook.verify(body, exchange.getRequestHeaders());
            return null;
        } catch (WebhookVerificationException e) {
            return e.getMessage() == null ? e.toString() : e.getMessage();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
