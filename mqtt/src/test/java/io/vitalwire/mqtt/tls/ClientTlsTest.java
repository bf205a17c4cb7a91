package io.vitalwire.mqtt.tls;

import static io.vitalwire.testing.TestPki.openssl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitalwire.testing.TestPki;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PEM files as operators issue them, with the project's own {@code deploy/broker/pki.sh} (openssl): the happy path,
 * and every file problem an operator can make, each of which must name the file.
 */
class ClientTlsTest {

    private static final String BROKER = "ssl://127.0.0.1:8883";

    @TempDir
    static Path pki;

    @BeforeAll
    static void issueCertificates() throws Exception {
        TestPki.newCa(pki).gateway("gw-a").gateway("gw-b");
    }

    @Test
    void forBroker_plainTcpWithoutFiles_isNoTls() {
        assertThat(ClientTls.forBroker("tcp://127.0.0.1:1883", Optional.empty(), Optional.empty(), Optional.empty()))
                .isEmpty();
    }

    @Test
    void forBroker_plainTcpWithFiles_isRefusedNamingTheFile() {
        assertThatThrownBy(() -> ClientTls.forBroker("tcp://127.0.0.1:1883", Optional.of(pki.resolve("ca.pem")),
                Optional.empty(), Optional.empty()))
                .isInstanceOf(TlsMaterialException.class)
                .hasMessageContaining(pki.resolve("ca.pem").toString()).hasMessageContaining("tcp://");
    }

    @Test
    void forBroker_mutualTls_knowsItsIdentityAndOffersOnlyTls12And13() throws IOException {
        ClientTls tls = ClientTls.forBroker(BROKER, Optional.of(pki.resolve("ca.pem")),
                Optional.of(pki.resolve("gw-a.pem")), Optional.of(pki.resolve("gw-a.key"))).orElseThrow();

        assertThat(tls.commonName()).contains("gw-a");
        try (SSLSocket socket = (SSLSocket) tls.socketFactory().createSocket()) {
            assertThat(socket.getEnabledProtocols()).containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
        }
    }

    @Test
    void forBroker_trustOnly_hasNoClientIdentity() {
        ClientTls tls = ClientTls.forBroker(BROKER, Optional.of(pki.resolve("ca.pem")), Optional.empty(),
                Optional.empty()).orElseThrow();

        assertThat(tls.commonName()).isEmpty();
    }

    @Test
    void forBroker_keyOfAnotherCertificate_isRefusedNamingBothFiles() {
        assertThatThrownBy(() -> mutualTls("gw-a.pem", pki.resolve("gw-b.key")))
                .isInstanceOf(TlsMaterialException.class)
                .hasMessageContaining(pki.resolve("gw-b.key").toString())
                .hasMessageContaining("does not belong").hasMessageContaining(pki.resolve("gw-a.pem").toString());
    }

    @Test
    void forBroker_sec1Key_isRefusedWithTheConversionCommand() throws Exception {
        Path sec1 = pki.resolve("gw-a.sec1.key");
        openssl("ec", "-in", pki.resolve("gw-a.key").toString(), "-out", sec1.toString());
        assertThat(Files.readString(sec1)).contains("BEGIN EC PRIVATE KEY");

        assertThatThrownBy(() -> mutualTls("gw-a.pem", sec1))
                .isInstanceOf(TlsMaterialException.class)
                .hasMessageContaining(sec1.toString()).hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
    }

    @Test
    void forBroker_encryptedKey_isRefusedNamingTheFile() throws Exception {
        Path encrypted = pki.resolve("gw-a.enc.key");
        openssl("pkcs8", "-topk8", "-in", pki.resolve("gw-a.key").toString(), "-out", encrypted.toString(),
                "-passout", "pass:secret");

        assertThatThrownBy(() -> mutualTls("gw-a.pem", encrypted))
                .isInstanceOf(TlsMaterialException.class)
                .hasMessageContaining(encrypted.toString()).hasMessageContaining("encrypted");
    }

    @Test
    void forBroker_missingOrGarbageFiles_areRefusedNamingTheFile() throws IOException {
        Path missing = pki.resolve("nowhere.key");
        assertThatThrownBy(() -> mutualTls("gw-a.pem", missing))
                .isInstanceOf(TlsMaterialException.class).hasMessageContaining(missing.toString());

        Path garbage = Files.writeString(pki.resolve("garbage.pem"), "not a certificate", StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> ClientTls.forBroker(BROKER, Optional.of(garbage), Optional.empty(), Optional.empty()))
                .isInstanceOf(TlsMaterialException.class)
                .hasMessageContaining("CA certificate " + garbage);
        assertThatThrownBy(() -> mutualTls("garbage.pem", pki.resolve("gw-a.key")))
                .isInstanceOf(TlsMaterialException.class)
                .hasMessageContaining("client certificate " + garbage);
    }

    @Test
    void forBroker_certificateWithoutKey_isRefused() {
        assertThatThrownBy(() -> ClientTls.forBroker(BROKER, Optional.empty(), Optional.of(pki.resolve("gw-a.pem")),
                Optional.empty()))
                .isInstanceOf(TlsMaterialException.class)
                .hasMessageContaining(pki.resolve("gw-a.pem").toString()).hasMessageContaining("without its");
    }

    private static ClientTls mutualTls(String certificate, Path key) {
        return ClientTls.forBroker(BROKER, Optional.of(pki.resolve("ca.pem")), Optional.of(pki.resolve(certificate)),
                Optional.of(key)).orElseThrow();
    }
}
