package io.vitalwire.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bearer tokens for cloud-ingest's admin API as an OAuth2/OIDC issuer would sign them (RS256 JWTs), with a key of the
 * test JVM's own: {@link #serverProperties()} tells a cloud-ingest (in-process context or jar) to trust that key
 * (a static JWKS file), this issuer and this audience. {@link #admin()} holds every role, for tests about something
 * else; {@link #token} makes the ones that are to be refused (another issuer, expired, another key).
 */
public final class TestTokens {

    public static final String ISSUER = "https://issuer.vitalwire.invalid/test";
    public static final String AUDIENCE = "vitalwire-admin";
    public static final String KEY_ID = "vitalwire-test";
    /** Every role of the admin API (cloud-ingest's AdminRoles). */
    public static final List<String> ALL_ROLES = List.of("auditor", "operator", "clinical-admin", "metrics");
    private static final Duration LIFETIME = Duration.ofHours(2);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final TestTokens SHARED = new TestTokens();

    private final KeyPair key;
    private Path jwks;

    private TestTokens() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            this.key = generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The test JVM's issuer: the key that {@link #serverProperties()} makes trusted. */
    public static TestTokens shared() {
        return SHARED;
    }

    /** An issuer of a key nobody trusts, under the same key id: its tokens' signatures do not verify. */
    public static TestTokens untrusted() {
        return new TestTokens();
    }

    /** cloud-ingest's properties that make it trust this key, {@link #ISSUER} and {@link #AUDIENCE}. */
    public synchronized Map<String, String> serverProperties() {
        if (jwks == null) {
            jwks = writeJwks();
        }
        return Map.of("micronaut.security.token.jwt.signatures.jwks-static.test.path", "file:" + jwks,
                "micronaut.security.token.jwt.claims-validators.issuer", ISSUER,
                "micronaut.security.token.jwt.claims-validators.audience", AUDIENCE);
    }

    /** {@code properties} of a cloud-ingest, plus {@link #serverProperties()}. */
    public Map<String, String> trustedBy(Map<String, String> properties) {
        Map<String, String> all = new HashMap<>(properties);
        all.putAll(serverProperties());
        return all;
    }

    /** {@code Authorization} header value for a caller with every role. */
    public String admin() {
        return bearer("test-admin", ALL_ROLES.toArray(String[]::new));
    }

    /** {@code Authorization} header value: a valid token of {@code subject} with {@code roles}. */
    public String bearer(String subject, String... roles) {
        return "Bearer " + token(ISSUER, subject, Clock.systemUTC().instant().plus(LIFETIME), List.of(roles));
    }

    /** A compact JWT, valid or not as the arguments make it. */
    public String token(String issuer, String subject, Instant expires, List<String> roles) {
        Map<String, Object> header = Map.of("alg", "RS256", "typ", "JWT", "kid", KEY_ID);
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", issuer);
        claims.put("aud", AUDIENCE);
        claims.put("sub", subject);
        claims.put("roles", roles);
        claims.put("iat", expires.minus(LIFETIME).getEpochSecond());
        claims.put("exp", expires.getEpochSecond());
        try {
            String signingInput = part(header) + "." + part(claims);
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initSign(key.getPrivate());
            rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + B64.encodeToString(rs256.sign());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String part(Map<String, Object> json) throws IOException {
        return B64.encodeToString(JSON.writeValueAsBytes(json));
    }

    private Path writeJwks() {
        RSAPublicKey pub = (RSAPublicKey) key.getPublic();
        Map<String, Object> jwk = Map.of("kty", "RSA", "use", "sig", "alg", "RS256", "kid", KEY_ID,
                "n", unsigned(pub.getModulus()), "e", unsigned(pub.getPublicExponent()));
        try {
            Path file = Files.createTempFile("vitalwire-test-jwks", ".json");
            file.toFile().deleteOnExit();
            Files.write(file, JSON.writeValueAsBytes(Map.of("keys", List.of(jwk))));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A JWK number: big-endian, without the sign byte BigInteger may add. */
    private static String unsigned(BigInteger n) {
        byte[] bytes = n.toByteArray();
        int skip = bytes.length > 1 && bytes[0] == 0 ? 1 : 0;
        byte[] out = new byte[bytes.length - skip];
        System.arraycopy(bytes, skip, out, 0, out.length);
        return B64.encodeToString(out);
    }
}
