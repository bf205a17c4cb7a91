package io.vitalwire.ingest.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitalwire.ingest.secrets.AtRestKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signing secrets: their form, and their encryption at rest ({@link SecretBox}, {@link AtRestKey}). */
class WebhookSecretsTest {

    @TempDir
    Path dir;

    @Test
    void generate_isWhsecOf32Bytes_andNeverPrinted() {
        SigningSecret s = SigningSecret.generate();
        assertThat(s.text()).startsWith("whsec_");
        assertThat(Base64.getDecoder().decode(s.text().substring(6))).hasSize(32);
        assertThat(s.toString()).doesNotContain(s.text().substring(6));
        assertThat(SigningSecret.parse(s.text())).isEqualTo(s);
    }

    @Test
    void parse_refusesOtherForms_withoutEchoingThem() {
        String tooShort = "whsec_" + Base64.getEncoder().encodeToString(new byte[8]);
        assertThatThrownBy(() -> SigningSecret.parse(tooShort)).hasMessageContaining("24 to 64")
                .hasMessageNotContaining(tooShort);
        assertThatThrownBy(() -> SigningSecret.parse("secret")).hasMessageNotContaining("secret\"");
        assertThatThrownBy(() -> SigningSecret.parse("whsec_***")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void keyFile_generatedOnce_mode0600_andReused() throws Exception {
        Path file = dir.resolve("keys/webhook-secret.key");
        AtRestKey first = AtRestKey.load(SecretBox.PURPOSE, Optional.empty(), file);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        AtRestKey again = AtRestKey.load(SecretBox.PURPOSE, Optional.empty(), file);
        assertThat(again.id()).isEqualTo(first.id());
        assertThat(Files.list(file.getParent())).containsExactly(file);
        assertThat(first.toString()).doesNotContain(Files.readString(file).strip());
    }

    @Test
    void configuredKey_winsOverTheFile() {
        String key = Base64.getEncoder().encodeToString(new byte[32]);
        AtRestKey k = AtRestKey.load(SecretBox.PURPOSE, Optional.of(key), dir.resolve("never.key"));
        assertThat(k.source()).isEqualTo("vitalwire.ingest.notify.secret-key");
        assertThat(Files.exists(dir.resolve("never.key"))).isFalse();
    }

    @Test
    void configuredKey_ofTheWrongLength_refused() {
        String key = Base64.getEncoder().encodeToString(new byte[16]);
        assertThatThrownBy(() -> AtRestKey.load(SecretBox.PURPOSE, Optional.of(key), dir.resolve("k")))
                .hasMessageContaining("exactly 32").hasMessageNotContaining(key);
    }

    @Test
    void sealed_opensForItsEndpointOnly_andHoldsNoPlaintext() throws Exception {
        SecretBox box = box(dir.resolve("a.key"));
        UUID endpoint = UUID.randomUUID();
        SigningSecret secret = SigningSecret.generate();
        SecretBox.Sealed sealed = box.seal(endpoint, secret);
        assertThat(box.open(endpoint, sealed)).isEqualTo(secret);
        assertThat(indexOf(sealed.data(), secret.bytes())).isNegative();
        assertThatThrownBy(() -> box.open(UUID.randomUUID(), sealed))
                .isInstanceOf(SecretBox.SecretUnavailable.class).hasMessageContaining("rotate");
        // A fresh nonce per seal: the same secret sealed twice looks different.
        assertThat(box.seal(endpoint, secret).data()).isNotEqualTo(sealed.data());
    }

    @Test
    void sealedWithAnotherKey_saysWhichKeys() {
        SecretBox a = box(dir.resolve("a.key"));
        SecretBox b = box(dir.resolve("b.key"));
        UUID endpoint = UUID.randomUUID();
        SecretBox.Sealed sealed = a.seal(endpoint, SigningSecret.generate());
        assertThatThrownBy(() -> b.open(endpoint, sealed)).isInstanceOf(SecretBox.SecretUnavailable.class)
                .hasMessageContaining(sealed.keyId()).hasMessageContaining("same vitalwire.ingest.notify.secret-key");
    }

    private static SecretBox box(Path keyFile) {
        return new SecretBox(Optional.empty(), keyFile);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            boolean match = true;
            for (int j = 0; j < needle.length && match; j++) {
                match = haystack[i + j] == needle[j];
            }
            if (match) {
                return i;
            }
        }
        return -1;
    }
}
