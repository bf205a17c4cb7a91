package io.vitalwire.ingest.fhir.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OAuth 2.0 authorization server for tests, on loopback: the token endpoint of the client credentials grant for
 * one registered client, authenticated by its secret (HTTP Basic or form) or by a SMART client assertion, which it
 * checks as a SMART server must — signature against the registered public key, {@code alg} RS384/ES384,
 * {@code typ}, {@code kid}, {@code iss} = {@code sub} = the client id, {@code aud} = the token URL, {@code exp}
 * present, in the future and at most 5 minutes ahead, and a {@code jti} never seen before. It issues opaque tokens
 * of a settable lifetime and tells the proxy in front of the FHIR server whether a token is valid (the part token
 * introspection plays for a real resource server).
 */
final class TestAuthorizationServer implements AutoCloseable {

    static final String CLIENT_ID = "cloud-ingest-test";
    static final String KEY_ID = "vw-test-key-1";

    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(4);
    private final ObjectMapper json = new ObjectMapper();
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Instant> tokens = new ConcurrentHashMap<>();
    private final Set<String> seenJti = ConcurrentHashMap.newKeySet();
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final List<String> issuedTokens = new CopyOnWriteArrayList<>();
    private final List<String> refusals = new CopyOnWriteArrayList<>();
    private final AtomicInteger issued = new AtomicInteger();
    private volatile String secret;
    private volatile PublicKey publicKey;
    private volatile Duration lifetime = Duration.ofMinutes(5);
    private volatile String lastScope;

    private TestAuthorizationServer(HttpServer server) {
        this.server = server;
    }

    static TestAuthorizationServer start() {
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TestAuthorizationServer auth = new TestAuthorizationServer(http);
        http.createContext("/oauth2/token", auth::token);
        http.setExecutor(auth.threads);
        http.start();
        return auth;
    }

    URI tokenUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/oauth2/token");
    }

    /** The client secret the server accepts from now on. */
    void registerSecret(String secret) {
        this.secret = secret;
    }

    /** The public key (of kid {@link #KEY_ID}) client assertions must verify against from now on. */
    void registerKey(PublicKey key) {
        this.publicKey = key;
    }

    /** Lifetime of tokens issued from now on ({@code expires_in}, whole seconds). */
    void tokenLifetime(Duration lifetime) {
        this.lifetime = lifetime;
    }

    /** Whether the token was issued here, is not revoked and has not expired. */
    boolean valid(String token) {
        Instant expires = tokens.get(token);
        return expires != null && Instant.now().isBefore(expires);
    }

    /** Revokes every token issued so far. */
    void revokeAll() {
        tokens.clear();
    }

    /** Tokens issued since start. */
    int issued() {
        return issued.get();
    }

    /** Every token issued so far, with every secret and client assertion received: none may appear in a log. */
    List<String> secretsSeen() {
        List<String> all = new ArrayList<>(received);
        all.addAll(issuedTokens);
        return all;
    }

    /** Why token requests were refused, in order. */
    List<String> refusals() {
        return refusals;
    }

    String lastScope() {
        return lastScope;
    }

    private void token(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("POST")) {
                answer(exchange, 405, Map.of("error", "invalid_request"));
                return;
            }
            Map<String, String> form = form(new String(exchange.getRequestBody().readAllBytes(),
                    StandardCharsets.UTF_8));
            if (!"client_credentials".equals(form.get("grant_type"))) {
                refuse(exchange, 400, "unsupported_grant_type", "grant_type " + form.get("grant_type"));
                return;
            }
            String problem = form.containsKey("client_assertion_type") ? assertionProblem(form)
                    : secretProblem(exchange.getRequestHeaders().getFirst("Authorization"), form);
            if (problem != null) {
                refuse(exchange, 401, "invalid_client", problem);
                return;
            }
            byte[] bytes = new byte[32];
            random.nextBytes(bytes);
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            Duration life = lifetime;
            tokens.put(token, Instant.now().plus(life));
            issuedTokens.add(token);
            issued.incrementAndGet();
            lastScope = form.get("scope");
            Map<String, Object> body = new HashMap<>(Map.of("access_token", token, "token_type", "Bearer",
                    "expires_in", life.toSeconds()));
            if (lastScope != null) {
                body.put("scope", lastScope);
            }
            answer(exchange, 200, body);
        }
    }

    private String secretProblem(String authorization, Map<String, String> form) {
        String id;
        String given;
        if (authorization != null && authorization.startsWith("Basic ")) {
            String pair = new String(Base64.getDecoder().decode(authorization.substring(6)), StandardCharsets.UTF_8);
            int colon = pair.indexOf(':');
            id = decode(pair.substring(0, colon));
            given = decode(pair.substring(colon + 1));
        } else {
            id = form.get("client_id");
            given = form.get("client_secret");
        }
        if (given != null) {
            received.add(given);
        }
        if (!CLIENT_ID.equals(id)) {
            return "unknown client";
        }
        return given != null && given.equals(secret) ? null : "wrong client secret";
    }

    private String assertionProblem(Map<String, String> form) {
        if (!PrivateKeyJwt.ASSERTION_TYPE.equals(form.get("client_assertion_type"))) {
            return "client_assertion_type " + form.get("client_assertion_type");
        }
        String assertion = form.getOrDefault("client_assertion", "");
        received.add(assertion);
        try {
            SignedJWT jwt = SignedJWT.parse(assertion);
            JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
            if (!alg.equals(JWSAlgorithm.RS384) && !alg.equals(JWSAlgorithm.ES384)) {
                return "alg " + alg + " is neither RS384 nor ES384";
            }
            if (!JOSEObjectType.JWT.equals(jwt.getHeader().getType())) {
                return "typ is not JWT";
            }
            if (!KEY_ID.equals(jwt.getHeader().getKeyID())) {
                return "unknown kid";
            }
            JWSVerifier verifier = publicKey instanceof RSAPublicKey rsa ? new RSASSAVerifier(rsa)
                    : new ECDSAVerifier((ECPublicKey) publicKey);
            if (!jwt.verify(verifier)) {
                return "client assertion signature does not verify";
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            Instant now = Instant.now();
            if (!CLIENT_ID.equals(claims.getIssuer()) || !CLIENT_ID.equals(claims.getSubject())) {
                return "iss and sub must be the client id";
            }
            if (claims.getAudience() == null || !claims.getAudience().contains(tokenUrl().toString())) {
                return "aud is not the token URL";
            }
            if (claims.getExpirationTime() == null || !claims.getExpirationTime().toInstant().isAfter(now)
                    || claims.getExpirationTime().toInstant().isAfter(now.plus(Duration.ofMinutes(5)))) {
                return "exp missing, past or more than 5 minutes ahead";
            }
            if (claims.getJWTID() == null || !seenJti.add(claims.getJWTID())) {
                return "jti missing or reused";
            }
            return null;
        } catch (ParseException e) {
            return "client_assertion is not a signed JWT";
        } catch (JOSEException e) {
            return "cannot verify: " + e.getMessage();
        }
    }

    private void refuse(HttpExchange exchange, int status, String error, String description) throws IOException {
        refusals.add(error + ": " + description);
        answer(exchange, status, Map.of("error", error, "error_description", description));
    }

    private void answer(HttpExchange exchange, int status, Map<String, ?> body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
            }
        }
        return form;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
