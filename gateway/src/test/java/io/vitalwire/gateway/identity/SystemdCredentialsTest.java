package io.vitalwire.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemdCredentialsTest {

    @TempDir
    Path dir;

    @Test
    void find_givesTheCredentialsFile_whenSystemdProvidedIt() throws Exception {
        Files.writeString(dir.resolve(SystemdCredentials.BUFFER_KEY), "a2V5\n");

        assertThat(new SystemdCredentials(dir).find(SystemdCredentials.BUFFER_KEY))
                .contains(dir.resolve(SystemdCredentials.BUFFER_KEY));
    }

    @Test
    void find_isEmpty_forACredentialTheUnitDoesNotLoad() {
        assertThat(new SystemdCredentials(dir).find(SystemdCredentials.TLS_KEY)).isEmpty();
    }

    @Test
    void find_isEmpty_withoutACredentialsDirectory() {
        assertThat(new SystemdCredentials(null).find(SystemdCredentials.BUFFER_KEY)).isEmpty();
    }
}
