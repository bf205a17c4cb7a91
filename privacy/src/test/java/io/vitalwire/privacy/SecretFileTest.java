package io.vitalwire.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Secret files: created 0600 and never replaced; read only when group and others have no permission on them. */
class SecretFileTest {

    @TempDir
    Path dir;

    @Test
    void createUnlessExists_writes0600Once_inA0700Directory() throws Exception {
        Path file = dir.resolve("keys/a.key");

        assertThat(SecretFile.createUnlessExists(file, "first\n")).isTrue();
        assertThat(SecretFile.createUnlessExists(file, "second\n")).isFalse();

        assertThat(SecretFile.readText("the key", file)).isEqualTo("first");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
                .isEqualTo("rwx------");
        assertThat(Files.list(file.getParent())).containsExactly(file);
    }

    @Test
    void read_aFileGroupOrOthersMayRead_isRefusedNamingFileAndMode_neverItsContent() throws Exception {
        Path file = dir.resolve("b.key");
        Files.writeString(file, "s3cr3t-key-material");
        for (String mode : new String[] {"rw-r-----", "rw----r--", "rw-----w-"}) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
            assertThatThrownBy(() -> SecretFile.read("the test key", file))
                    .isInstanceOf(SecretFile.SharedSecretFileException.class)
                    .hasMessageContaining("the test key " + file).hasMessageContaining(mode)
                    .hasMessageNotContaining("s3cr3t");
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
        assertThat(SecretFile.readText("the test key", file)).isEqualTo("s3cr3t-key-material");
        SecretFile.requirePrivate("a missing key", dir.resolve("missing.key"));
    }
}
