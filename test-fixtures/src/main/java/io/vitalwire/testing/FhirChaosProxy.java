package io.vitalwire.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * A misbehaving FHIR server for tests: a reverse proxy on loopback in front of the stack's real HAPI server that
 * forwards every request unchanged — until a test turns on {@link #chaos}, when each request gets, drawn at random
 * from a seeded generator (every fault once first), one of the {@link Fault}s a production FHIR server or its API gateway shows: throttling
 * with {@code Retry-After}, 500, 503, 401, 404, a connection held open and never answered, a connection closed
 * without an answer, or — the hardest case for exactly-once — the request carried out by HAPI and its answer lost.
 * {@link #heal} ends it. A test can also {@link #holdNextTransaction hold} the next transaction bundle's answer after
 * HAPI has carried it out, to kill the client meanwhile. Every exchange is recorded ({@link #exchanges}), with the
 * reading keys a transaction bundle carried, so that a test can bound the request rate and check each key's retries.
 */
public final class FhirChaosProxy implements AutoCloseable {

    /** What one request gets. */
    public enum Fault {
        /** Forwarded to HAPI, its answer relayed: the server works. */
        FORWARD,
        /** 429 with {@code Retry-After} (1–3 s): throttled, as API gateways do. */
        THROTTLED,
        /** 500: the server failed. */
        SERVER_ERROR,
        /** 503 without {@code Retry-After}: the server is down for maintenance or overloaded. */
        UNAVAILABLE,
        /** 401: a gateway in front refused our credentials for a while (a key rotation gone wrong). */
        UNAUTHORIZED,
        /** 404 for the whole request: a gateway's route missing for a while (a deployment in progress). */
        NOT_FOUND,
        /** Held open without a byte of answer for the proxy's hang time, then closed: a stuck server. */
        HANG,
        /** Closed at once without an answer: a crashed server or a load balancer's reset. */
        RESET,
        /** Forwarded and carried out by HAPI, then closed without relaying the answer: the write happened, unknown to the client. */
        ANSWER_LOST
    }

    /**
     * One request as the proxy saw it.
     *
     * @param at          when it arrived
     * @param method      its HTTP method
     * @param transaction whether it was a transaction bundle (POST to the base URL)
     * @param readingKeys the reading keys of a transaction's conditional creates, in order; empty for other requests
     * @param fault       what it got
     * @param status      the status the client was answered with, HAPI's status for {@link Fault#ANSWER_LOST}, 0
     *                    when nothing was answered
     * @param retryAfter  the {@code Retry-After} sent with it, or null
     */
    public record Exchange(Instant at, String method, boolean transaction, List<String> readingKeys, Fault fault,
                           int status, Duration retryAfter) {
    }

    /** A transaction bundle HAPI carried out whose answer the proxy holds back until {@link #release}. */
    public static final class HeldTransaction {

        private final CompletableFuture<String> accepted = new CompletableFuture<>();
        private final CountDownLatch released = new CountDownLatch(1);

        /** HAPI's answer (its response bundle), once it has carried the transaction out. */
        public String awaitAccepted(Duration timeout) throws Exception {
            return accepted.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** Closes the held connection without an answer. */
        public void release() {
            released.countDown();
        }
    }

    /**
     * A conditional create's {@code ifNoneExist} on the reading key, as cloud-ingest's FHIR sink writes it: the key
     * up to the end of the value or the next search parameter ({@code &status:not=entered-in-error}).
     */
    private static final Pattern READING_KEY = Pattern.compile("reading-key\\|([^\"<&]+)[\"&]");
    private static final String FHIR_JSON = "application/fhir+json";
    private static final byte[] OUTCOME = ("{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
            + "\"code\":\"transient\"}]}").getBytes(StandardCharsets.UTF_8);

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final URI upstreamBase;
    private final HttpRelay relay;
    private final Duration hang;
    private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile Chaos chaos;
    private volatile HeldTransaction held;

    /**
     * Faults drawn with their weights from one seeded generator, in the order requests arrive; the first requests get
     * every fault of a positive weight once, in a seeded order, so that even a short run sees each of them.
     */
    private record Chaos(Random random, Map<Fault, Integer> weights, int total, Deque<Fault> first) {

        static Chaos of(long seed, Map<Fault, Integer> weights) {
            Random random = new Random(seed);
            List<Fault> each = new ArrayList<>(weights.entrySet().stream().filter(w -> w.getValue() > 0)
                    .map(Map.Entry::getKey).toList());
            Collections.shuffle(each, random);
            return new Chaos(random, weights, weights.values().stream().mapToInt(Integer::intValue).sum(),
                    new ArrayDeque<>(each));
        }

        synchronized Fault draw() {
            if (!first.isEmpty()) {
                return first.poll();
            }
            int n = random.nextInt(total);
            for (Map.Entry<Fault, Integer> w : weights.entrySet()) {
                n -= w.getValue();
                if (n < 0) {
                    return w.getKey();
                }
            }
            throw new IllegalStateException("weights changed");
        }

        synchronized int retryAfterSeconds() {
            return 1 + random.nextInt(3);
        }
    }

    private FhirChaosProxy(HttpServer server, URI upstreamBase, Duration hang) {
        this.server = server;
        this.upstreamBase = upstreamBase;
        this.relay = new HttpRelay(upstreamBase, Set.of());
        this.hang = hang;
    }

    /**
     * @param fhirBase the FHIR server's base URL; the proxy serves the same path
     * @param hang     how long a {@link Fault#HANG} holds its connection: make it well past the client's read timeout
     */
    public static FhirChaosProxy start(String fhirBase, Duration hang) {
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        FhirChaosProxy proxy = new FhirChaosProxy(http, URI.create(fhirBase), hang);
        http.createContext("/", proxy::handle);
        http.setExecutor(proxy.threads);
        http.start();
        return proxy;
    }

    /** The FHIR base URL through the proxy. */
    public String fhirUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + upstreamBase.getPath();
    }

    /**
     * From now on each request gets a fault drawn with these weights (a weight per fault; absent: never), every fault
     * once first.
     */
    public void chaos(long seed, Map<Fault, Integer> weights) {
        chaos = Chaos.of(seed, new EnumMap<>(weights));
    }

    /** Every request forwarded again. */
    public void heal() {
        chaos = null;
    }

    /** The next transaction bundle is carried out by HAPI and its answer held (forwarding as usual otherwise). */
    public HeldTransaction holdNextTransaction() {
        HeldTransaction h = new HeldTransaction();
        held = h;
        return h;
    }

    /** Every request so far, in order of arrival. */
    public List<Exchange> exchanges() {
        return List.copyOf(exchanges);
    }

    private void handle(HttpExchange exchange) {
        try (exchange) {
            Instant at = Instant.now();
            byte[] body = exchange.getRequestBody().readAllBytes();
            boolean transaction = exchange.getRequestMethod().equals("POST")
                    && exchange.getRequestURI().getPath().replaceAll("/$", "").equals(upstreamBase.getPath());
            List<String> keys = transaction ? readingKeys(body) : List.of();
            HeldTransaction hold = transaction ? takeHold() : null;
            Chaos current = chaos;
            Fault fault = hold != null ? Fault.ANSWER_LOST : current == null ? Fault.FORWARD : current.draw();
            switch (fault) {
                case FORWARD -> {
                    HttpResponse<byte[]> answer = relay.forward(exchange, body);
                    record(at, exchange, transaction, keys, fault, answer.statusCode(), null);
                    HttpRelay.answer(exchange, answer.statusCode(), answer.body(), answer.headers().map());
                }
                case THROTTLED -> {
                    Duration wait = Duration.ofSeconds(current.retryAfterSeconds());
                    record(at, exchange, transaction, keys, fault, 429, wait);
                    HttpRelay.answer(exchange, 429, OUTCOME, Map.of("Retry-After", List.of(String.valueOf(wait.toSeconds())),
                            "Content-Type", List.of(FHIR_JSON)));
                }
                case SERVER_ERROR, UNAVAILABLE, UNAUTHORIZED, NOT_FOUND -> {
                    int status = switch (fault) {
                        case SERVER_ERROR -> 500;
                        case UNAVAILABLE -> 503;
                        case UNAUTHORIZED -> 401;
                        default -> 404;
                    };
                    record(at, exchange, transaction, keys, fault, status, null);
                    HttpRelay.answer(exchange, status, OUTCOME, Map.of("Content-Type", List.of(FHIR_JSON)));
                }
                case HANG -> {
                    record(at, exchange, transaction, keys, fault, 0, null);
                    closed.await(hang.toMillis(), TimeUnit.MILLISECONDS);
                }
                case RESET -> record(at, exchange, transaction, keys, fault, 0, null);
                case ANSWER_LOST -> {
                    HttpResponse<byte[]> answer = relay.forward(exchange, body);
                    record(at, exchange, transaction, keys, fault, answer.statusCode(), null);
                    if (hold != null) {
                        hold.accepted.complete(text(answer));
                        hold.released.await();
                    }
                }
                default -> throw new IllegalStateException(fault.name());
            }
            // Closing an exchange that was sent no answer closes its connection: the client gets none.
        } catch (IOException e) {
            // the client went away, or HAPI did: the client sees its connection close
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized HeldTransaction takeHold() {
        HeldTransaction h = held;
        held = null;
        return h;
    }

    private void record(Instant at, HttpExchange exchange, boolean transaction, List<String> keys, Fault fault,
                        int status, Duration retryAfter) {
        exchanges.add(new Exchange(at, exchange.getRequestMethod(), transaction, keys, fault, status, retryAfter));
    }

    private static List<String> readingKeys(byte[] body) {
        List<String> keys = new ArrayList<>();
        Matcher m = READING_KEY.matcher(new String(body, StandardCharsets.UTF_8));
        while (m.find()) {
            keys.add(URLDecoder.decode(m.group(1), StandardCharsets.UTF_8));
        }
        return keys;
    }

    /** An answer's body as text, unzipped if HAPI zipped it (the FHIR client asks for gzip). */
    private static String text(HttpResponse<byte[]> answer) throws IOException {
        boolean zipped = answer.headers().firstValue("Content-Encoding").filter("gzip"::equalsIgnoreCase).isPresent();
        byte[] body = answer.body();
        if (zipped) {
            try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
                body = in.readAllBytes();
            }
        }
        return new String(body, StandardCharsets.UTF_8);
    }

    /** Stops serving; held and hanging connections are closed without an answer. */
    @Override
    public void close() {
        closed.countDown();
        HeldTransaction h = held;
        if (h != null) {
            h.release();
        }
        server.stop(0);
        threads.shutdownNow();
    }
}
