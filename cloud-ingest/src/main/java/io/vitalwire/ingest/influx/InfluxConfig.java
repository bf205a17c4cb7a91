package io.vitalwire.ingest.influx;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.util.Optional;

/** InfluxDB ({@code vitalwire.ingest.influx.*}), spoken through the 1.x {@code /write} API. */
@ConfigurationProperties("vitalwire.ingest.influx")
public interface InfluxConfig {

    /** Server URL. Default {@code http://127.0.0.1:8086}. */
    @Bindable(defaultValue = "http://127.0.0.1:8086")
    String getUrl();

    /** Database (1.x) or bucket mapped through the 1.x compatibility API (2.x/3.x). Default {@code vitalwire}. */
    @Bindable(defaultValue = "vitalwire")
    String getDatabase();

    Optional<String> getUsername();

    Optional<String> getPassword();
}
