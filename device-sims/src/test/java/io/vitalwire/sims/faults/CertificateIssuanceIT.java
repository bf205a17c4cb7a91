package io.vitalwire.sims.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitalwire.testing.TestPki;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code deploy/broker/pki.sh} refuses to issue. The broker's ACL knows a client by its certificate's CN alone,
 * so a gateway holding a service's name (cloud-ingest reads every tenant's readings) or another tenant's gateway id
 * would get that identity's rights: the refusal at issue time is the guard, and gateways and services come from
 * separate intermediate CAs.
 */
class CertificateIssuanceIT {

    private static final String GATEWAY = "gw-a";

    @TempDir
    static Path dir;
    private static TestPki pki;

    @BeforeAll
    static void issue() throws Exception {
        pki = TestPki.issue(dir.resolve("pki"), GATEWAY, TestPki.INGEST);
    }

    @Test
    void aServiceIdentity_isNeverIssuedAsAGateway() throws Exception {
        assertThatThrownBy(() -> pki.gateway(TestPki.INGEST)).hasMessageContaining("service identity");
        // Whatever the case: a name must not look like a service's either.
        assertThatThrownBy(() -> pki.gateway("Cloud-Ingest")).hasMessageContaining("service identity");
        // A service the services CA issued after the reserved list was written is a service's all the same.
        pki.service("billing");
        assertThatThrownBy(() -> pki.gateway("billing")).hasMessageContaining("service identity");
        // The way a real gateway is issued: its CSR names the CN.
        Path csr = dir.resolve("ingest.csr");
        TestPki.openssl("req", "-new", "-key", pki.key(GATEWAY).toString(), "-subj", "/CN=" + TestPki.INGEST,
                "-out", csr.toString());
        assertThatThrownBy(() -> pki.sign(TestPki.TENANT, csr, dir.resolve("ingest.pem")))
                .hasMessageContaining("service identity");
        assertThat(dir.resolve("ingest.pem")).doesNotExist();
        assertThat(pki.acl()).doesNotContain("user billing").doesNotContain("/" + TestPki.INGEST + "/#");
    }

    @Test
    void aGatewayId_isNeverIssuedAsAService() {
        assertThatThrownBy(() -> pki.service(GATEWAY)).hasMessageContaining("issued as a gateway id");
    }

    @Test
    void aGatewayIdOfOneTenant_isNotIssuedToAnother_untilRevoked() throws Exception {
        pki.gateway("acme", "gw-moving");
        assertThatThrownBy(() -> pki.gateway("beta", "gw-moving")).hasMessageContaining("issued to tenant 'acme'");
        assertThat(pki.acl()).contains("user gw-moving\ntopic write vitalwire/v1/acme/gw-moving/readings\n")
                .contains("topic read vitalwire/v1/acme/gw-moving/config\n").doesNotContain("gw-moving/#")
                .doesNotContain("vitalwire/v1/beta/gw-moving");
        // Renewal under the same tenant is fine.
        pki.gateway("acme", "gw-moving");

        pki.revoke("gw-moving");
        pki.gateway("beta", "gw-moving");
        assertThat(pki.acl()).contains("user gw-moving\ntopic write vitalwire/v1/beta/gw-moving/readings\n")
                .doesNotContain("vitalwire/v1/acme/gw-moving");
    }

    @Test
    void aSignedCsr_carriesTheTenantOfTheIssuer_notTheOneItAsksFor() throws Exception {
        Path csr = dir.resolve("asks.csr");
        TestPki.openssl("req", "-new", "-key", pki.key(GATEWAY).toString(), "-subj", "/O=victim/CN=gw-asks",
                "-out", csr.toString());
        Path signed = dir.resolve("asks.pem");
        pki.sign("acme", csr, signed);

        assertThat(chain(signed).get(0).getSubjectX500Principal().getName()).isEqualTo("CN=gw-asks,O=acme");
    }

    @Test
    void gatewaysAndServices_chainToDifferentIntermediates_underOneRoot() throws Exception {
        X509Certificate root = chain(pki.ca()).get(0);
        X509Certificate gateways = chain(pki.intermediate("gateways")).get(0);
        X509Certificate services = chain(pki.intermediate("services")).get(0);
        List<X509Certificate> gateway = chain(pki.cert(GATEWAY));
        List<X509Certificate> ingest = chain(pki.cert(TestPki.INGEST));
        List<X509Certificate> broker = chain(pki.cert(TestPki.BROKER));

        assertThat(gateway).as("the leaf, then the intermediate a client sends").containsExactly(gateway.get(0),
                gateways);
        assertThat(ingest).containsExactly(ingest.get(0), services);
        assertThat(broker).containsExactly(broker.get(0), services);
        assertThat(signedBy(gateway.get(0), gateways.getPublicKey())).isTrue();
        assertThat(signedBy(gateway.get(0), services.getPublicKey())).isFalse();
        assertThat(signedBy(ingest.get(0), services.getPublicKey())).isTrue();
        assertThat(signedBy(ingest.get(0), gateways.getPublicKey())).isFalse();
        assertThat(signedBy(gateways, root.getPublicKey())).isTrue();
        assertThat(signedBy(services, root.getPublicKey())).isTrue();
        assertThat(gateway.get(0).getSubjectX500Principal().getName()).isEqualTo("CN=" + GATEWAY + ",O="
                + TestPki.TENANT);
        assertThat(gateways.getBasicConstraints()).as("a CA that signs no CA").isZero();
    }

    private static List<X509Certificate> chain(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(X509Certificate.class::cast).toList();
        }
    }

    private static boolean signedBy(X509Certificate certificate, PublicKey issuer) {
        try {
            certificate.verify(issuer);
            return true;
        } catch (Exception notByThisKey) {
            return false;
        }
    }
}
