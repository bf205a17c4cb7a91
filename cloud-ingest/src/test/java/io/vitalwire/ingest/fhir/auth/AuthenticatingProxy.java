package io.vitalwire.ingest.fhir.auth;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vitalwire.testing.HttpRelay;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A reverse proxy for tests, on loopback, in front of the dev stack's FHIR server, as an API gateway stands in front
 * of a production one: a request without a bearer token the {@link TestAuthorizationServer} deems valid gets 401
 * with a {@code WWW-Authenticate: Bearer} challenge; any other is forwarded unchanged (less the token) and its answer
 * relayed. Counts what it let through and what it refused.
 */
final class AuthenticatingProxy implements AutoCloseable {

    private static final byte[] UNAUTHORIZED = ("{\"resourceType\":\"OperationOutcome\",\"issue\":[{"
            + "\"severity\":\"error\",\"code\":\"login\"}]}").getBytes(StandardCharsets.UTF_8);

    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(8);
    private final URI upstreamBase;
    /** Forwards all but the token, which is this proxy's to check. */
    private final HttpRelay relay;
    private final TestAuthorizationServer auth;
    private final AtomicInteger forwarded = new AtomicInteger();
    private final AtomicInteger unauthorized = new AtomicInteger();
    private final Set<String> tokensUsed = ConcurrentHashMap.newKeySet();

    private AuthenticatingProxy(HttpServer server, URI upstreamBase, TestAuthorizationServer auth) {
        this.server = server;
        this.upstreamBase = upstreamBase;
        this.relay = new HttpRelay(upstreamBase, Set.of("authorization"));
        this.auth = auth;
    }

    /** @param fhirBase the FHIR server's base URL; the proxy serves the same path */
    static AuthenticatingProxy start(String fhirBase, TestAuthorizationServer auth) {
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        AuthenticatingProxy proxy = new AuthenticatingProxy(http, URI.create(fhirBase), auth);
        http.createContext("/", proxy::handle);
        http.setExecutor(proxy.threads);
        http.start();
        return proxy;
    }

    /** The FHIR base URL through the proxy. */
    String fhirUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + upstreamBase.getPath();
    }

    int forwarded() {
        return forwarded.get();
    }

    int unauthorized() {
        return unauthorized.get();
    }

    /** The distinct tokens of the requests let through. */
    Set<String> tokensUsed() {
        return tokensUsed;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            String token = authorization != null && authorization.startsWith("Bearer ")
                    ? authorization.substring(7) : null;
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (token == null || !auth.valid(token)) {
                unauthorized.incrementAndGet();
                exchange.getResponseHeaders().set("WWW-Authenticate", token == null ? "Bearer realm=\"fhir\""
                        : "Bearer realm=\"fhir\", error=\"invalid_token\"");
                HttpRelay.answer(exchange, 401, UNAUTHORIZED, Map.of("Content-Type", List.of("application/fhir+json")));
                return;
            }
            tokensUsed.add(token);
            forwarded.incrementAndGet();
            HttpResponse<byte[]> answer = relay.forward(exchange, body);
            HttpRelay.answer(exchange, answer.statusCode(), answer.body(), answer.headers().map());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
