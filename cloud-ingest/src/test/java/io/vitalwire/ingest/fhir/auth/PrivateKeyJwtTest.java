package io.vitalwire.ingest.fhir.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The SMART client assertion, as SMART App Launch's client-confidential-asymmetric profile defines it. */
class PrivateKeyJwtTest {

    private static final URI TOKEN_URL = URI.create("https://auth.example.org/oauth2/token");
    private static final Instant NOW = Instant.parse("2026-11-23T10:15:00Z");

    @Test
    void rsaKey_signsRs384_withTheClaimsSmartRequires() throws Exception {
        KeyPair keys = TestKeys.rsa();
        PrivateKeyJwt jwt = new PrivateKeyJwt("vw-client", TOKEN_URL, "kid-1", keys.getPrivate(),
                Duration.ofMinutes(4));

        SignedJWT assertion = SignedJWT.parse(jwt.sign(NOW));

        assertThat(assertion.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS384);
        assertThat(assertion.getHeader().getType()).isEqualTo(JOSEObjectType.JWT);
        assertThat(assertion.getHeader().getKeyID()).isEqualTo("kid-1");
        assertThat(assertion.verify(new RSASSAVerifier((RSAPublicKey) keys.getPublic()))).isTrue();
        JWTClaimsSet claims = assertion.getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo("vw-client");
        assertThat(claims.getSubject()).isEqualTo("vw-client");
        assertThat(claims.getAudience()).containsExactly(TOKEN_URL.toString());
        assertThat(claims.getExpirationTime().toInstant()).isEqualTo(NOW.plus(Duration.ofMinutes(4)));
        assertThat(claims.getJWTID()).isNotBlank();
    }

    @Test
    void ecP384Key_signsEs384() throws Exception {
        KeyPair keys = TestKeys.ec("secp384r1");
        PrivateKeyJwt jwt = new PrivateKeyJwt("vw-client", TOKEN_URL, "kid-2", keys.getPrivate(),
                Duration.ofMinutes(4));

        SignedJWT assertion = SignedJWT.parse(jwt.sign(NOW));

        assertThat(assertion.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES384);
        assertThat(assertion.verify(new ECDSAVerifier((ECPublicKey) keys.getPublic()))).isTrue();
    }

    @Test
    void everyTokenRequest_getsAnAssertionWithItsOwnJti() throws Exception {
        PrivateKeyJwt jwt = new PrivateKeyJwt("vw-client", TOKEN_URL, "kid-1", TestKeys.rsa().getPrivate(),
                Duration.ofMinutes(4));
        Map<String, String> first = new HashMap<>();
        Map<String, String> second = new HashMap<>();

        jwt.addTo(first, new HashMap<>(), NOW);
        jwt.addTo(second, new HashMap<>(), NOW);

        assertThat(first).containsEntry("client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
        List<String> jtis = List.of(SignedJWT.parse(first.get("client_assertion")).getJWTClaimsSet().getJWTID(),
                SignedJWT.parse(second.get("client_assertion")).getJWTClaimsSet().getJWTID());
        assertThat(jtis.get(0)).isNotEqualTo(jtis.get(1));
    }

    @Test
    void anEcKeyOffP384_orALifetimeBeyondFiveMinutes_isRefused() {
        assertThatThrownBy(() -> new PrivateKeyJwt("c", TOKEN_URL, "k", TestKeys.ec("secp256r1").getPrivate(),
                Duration.ofMinutes(4)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("P-384");
        assertThatThrownBy(() -> new PrivateKeyJwt("c", TOKEN_URL, "k", TestKeys.rsa().getPrivate(),
                Duration.ofMinutes(6)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("assertion-lifetime");
    }
}
