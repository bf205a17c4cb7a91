package io.vitalwire.gateway.buffer;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.util.Optional;

/** The durable buffer ({@code vitalwire.gateway.buffer.*}). */
@ConfigurationProperties("vitalwire.gateway.buffer")
public interface BufferConfig {

    /** SQLite file. Default: {@code buffer.db} in the gateway's data directory. */
    Optional<String> getPath();

    /**
     * SQLite {@code synchronous} mode: FULL makes each commit survive power loss (a Pi's SD card loses the last
     * NORMAL commits on power cut, not on a process crash). Default {@code FULL}.
     */
    @Bindable(defaultValue = "FULL")
    String getSynchronous();
}
