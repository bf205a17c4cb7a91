package io.vitalwire.ingest.fhir.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.UUID;

/**
 * SMART Backend Services client authentication ({@code private_key_jwt}, RFC 7523 §2.2, SMART App Launch's
 * client-confidential-asymmetric profile): each token request carries a fresh JWT signed with the client's private
 * key — header {@code alg} RS384 or ES384, {@code typ} JWT, {@code kid}; claims {@code iss} = {@code sub} = the
 * client id, {@code aud} = the token URL, {@code exp} at most 5 minutes ahead, a unique {@code jti}.
 */
final class PrivateKeyJwt implements ClientAuthentication {

    static final String ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    static final Duration MAX_LIFETIME = Duration.ofMinutes(5);

    private final String clientId;
    private final String audience;
    private final JWSHeader header;
    private final JWSSigner signer;
    private final Duration lifetime;

    /** @throws IllegalArgumentException when the key cannot sign RS384 or ES384, or the lifetime exceeds 5 minutes */
    PrivateKeyJwt(String clientId, URI tokenUrl, String keyId, PrivateKey key, Duration lifetime) {
        if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(MAX_LIFETIME) > 0) {
            throw new IllegalArgumentException("vitalwire.ingest.fhir.auth.assertion-lifetime must be within "
                    + "(0, 5m]: SMART servers refuse assertions expiring later");
        }
        this.clientId = clientId;
        this.audience = tokenUrl.toString();
        this.lifetime = lifetime;
        JWSAlgorithm algorithm;
        try {
            if (key instanceof RSAPrivateKey) {
                algorithm = JWSAlgorithm.RS384;
                this.signer = new RSASSASigner(key);
            } else if (key instanceof ECPrivateKey ec) {
                if (!Curve.P_384.equals(Curve.forECParameterSpec(ec.getParams()))) {
                    throw new IllegalArgumentException("the EC key is not on P-384, which ES384 requires");
                }
                algorithm = JWSAlgorithm.ES384;
                this.signer = new ECDSASigner(ec);
            } else {
                throw new IllegalArgumentException("a " + key.getAlgorithm()
                        + " key; SMART needs RSA (RS384) or EC P-384 (ES384)");
            }
        } catch (JOSEException e) {
            throw new IllegalArgumentException("the key cannot sign: " + e.getMessage(), e);
        }
        this.header = new JWSHeader.Builder(algorithm).type(JOSEObjectType.JWT).keyID(keyId).build();
    }

    JWSAlgorithm algorithm() {
        return header.getAlgorithm();
    }

    @Override
    public void addTo(Map<String, String> form, Map<String, String> headers, Instant now) {
        form.put("client_assertion_type", ASSERTION_TYPE);
        form.put("client_assertion", sign(now));
    }

    String sign(Instant now) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(clientId)
                .subject(clientId)
                .audience(audience)
                .expirationTime(Date.from(now.plus(lifetime)))
                // Servers remember jti values until exp and refuse a repeat: a replayed assertion gets nothing.
                .jwtID(UUID.randomUUID().toString())
                .build();
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new FhirAuthException("signing the client assertion failed: " + e.getMessage(), e);
        }
        return jwt.serialize();
    }
}
