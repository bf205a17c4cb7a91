package io.vitalwire.ingest.notify;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A clinician's system receiving webhooks: a real HTTP server (the JDK's) on 127.0.0.1, one receiver per path, each
 * answering from a script (then 200) and verifying every request with Standard Webhooks' reference library against
 * the secrets it was given — not with cloud-ingest's code.
 */
final class WebhookReceiver implements AutoCloseable {

    /** One scripted answer: a status, headers, and how long to wait before answering (a slow receiver). */
    record Answer(int status, Map<String, String> headers, Duration delay) {

        static Answer status(int status) {
            return new Answer(status, Map.of(), Duration.ZERO);
        }

        static Answer retryAfter(int status, String retryAfter) {
            return new Answer(status, Map.of("Retry-After", retryAfter), Duration.ZERO);
        }

        static Answer slow(Duration delay) {
            return new Answer(200, Map.of(), delay);
        }
    }

    /**
     * A request as received.
     *
     * @param verifiedWith the receiver's secrets that verify it (the reference library's {@code verify})
     * @param failures     why each of the others did not
     */
    record Received(String webhookId, long timestamp, String signature, String contentType, String body, Instant at,
                    Set<String> verifiedWith, List<String> failures) {
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(8);
    private final Map<String, Queue<Answer>> scripts = new ConcurrentHashMap<>();
    private final Map<String, List<String>> secrets = new ConcurrentHashMap<>();
    private final Map<String, List<Received>> received = new ConcurrentHashMap<>();

    private WebhookReceiver(HttpServer server) {
        this.server = server;
        server.setExecutor(threads);
        server.createContext("/hooks/", this::handle);
        server.start();
    }

    static WebhookReceiver start() {
        try {
            return new WebhookReceiver(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    String url(String name) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/" + name;
    }

    /** The secrets the receiver named {@code name} verifies with ({@code whsec_…}), replacing those it had. */
    void secrets(String name, String... whsec) {
        secrets.put(name, List.of(whsec));
    }

    /** What the receiver answers to its next requests, in order; 200 afterwards. */
    void script(String name, Answer... answers) {
        scripts.computeIfAbsent(name, n -> new ConcurrentLinkedQueue<>()).addAll(List.of(answers));
    }

    List<Received> received(String name) {
        return List.copyOf(received.getOrDefault(name, List.of()));
    }

    private void handle(HttpExchange exchange) throws IOException {
        Instant at = Instant.now();
        String name = exchange.getRequestURI().getPath().substring("/hooks/".length());
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Map<String, List<String>> headers = exchange.getRequestHeaders();
        Set<String> verified = new LinkedHashSet<>();
        List<String> failures = new ArrayList<>();
        for (String secret : secrets.getOrDefault(name, List.of())) {
            try {
                new Webhook(secret).verify(body, headers);
                verified.add(secret);
            } catch (WebhookVerificationException e) {
                failures.add(e.getMessage());
            }
        }
        String timestamp = exchange.getRequestHeaders().getFirst("webhook-timestamp");
        received.computeIfAbsent(name, n -> new CopyOnWriteArrayList<>()).add(new Received(
                exchange.getRequestHeaders().getFirst("webhook-id"), timestamp == null ? -1 : Long.parseLong(timestamp),
                exchange.getRequestHeaders().getFirst("webhook-signature"),
                exchange.getRequestHeaders().getFirst("Content-Type"), body, at, verified, failures));
        Queue<Answer> script = scripts.get(name);
        Answer answer = script == null ? null : script.poll();
        if (answer == null) {
            answer = Answer.status(200);
        }
        try {
            if (!answer.delay().isZero()) {
                Thread.sleep(answer.delay().toMillis());
            }
            answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            exchange.sendResponseHeaders(answer.status(), -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // The sender gave up waiting (a timeout being tested): nobody to answer.
        } finally {
            exchange.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
