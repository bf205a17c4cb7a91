package io.vitalwire.ingest.aliases;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.nio.file.Path;

/** How cloud-ingest's logs name devices ({@code vitalwire.ingest.aliases.*}). */
@ConfigurationProperties("vitalwire.ingest.aliases")
public interface AliasConfig {

    /** The default {@link #getKeyFile()}; also what {@code cloud-ingest.jar alias} reads without {@code --key-file}. */
    String DEFAULT_KEY_FILE = "/var/lib/vitalwire/cloud-ingest/device-alias.key";

    /**
     * The key that names devices in the logs (base64 of 32 random bytes): read if it exists (mode 0600, or the service
     * does not start), else generated there. Every replica needs the same key for its lines to name a device alike.
     * Default {@value #DEFAULT_KEY_FILE}.
     */
    @Bindable(defaultValue = DEFAULT_KEY_FILE)
    Path getKeyFile();
}
