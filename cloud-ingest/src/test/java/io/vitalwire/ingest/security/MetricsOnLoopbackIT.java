package io.vitalwire.ingest.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.vitalwire.ingest.testing.StackTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With {@code metrics-open-on-loopback}, a scraper on this host needs no token, and the admin API still does. */
@MicronautTest
class MetricsOnLoopbackIT extends StackTest {

    private final HttpClient http = HttpClient.newHttpClient();

    MetricsOnLoopbackIT() {
        super("gw-metrics");
    }

    @Override
    protected Map<String, String> overrides() {
        return Map.of("vitalwire.ingest.security.metrics-open-on-loopback", "true");
    }

    @Test
    void aLoopbackScrape_needsNoToken_butTheAdminApiStillDoes() throws Exception {
        assertThat(status("/prometheus")).isEqualTo(200);
        assertThat(status("/admin/quarantine")).isEqualTo(401);
        assertThat(status("/admin/alerts")).isEqualTo(401);
    }

    private int status(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.getURL() + path)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
