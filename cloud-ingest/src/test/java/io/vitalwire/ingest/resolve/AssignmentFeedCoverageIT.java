package io.vitalwire.ingest.resolve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.vitalwire.testing.SettableClock;
import io.vitalwire.testing.StackSettings;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * When the feed vouches for a kept lookup ({@link AssignmentFeed#covers}): only for lookups read after it started,
 * and only while it has been read within the freshness bound. A FHIR server whose history cannot be read must make
 * kept lookups fall back to the TTL, or a reassignment made during an outage would never be honoured.
 */
class AssignmentFeedCoverageIT {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final Duration TTL = Duration.ofSeconds(60);

    private final SettableClock clock = new SettableClock(Instant.parse("2026-12-04T00:00:00Z"));

    @Test
    void theFeedCoversLookupsReadAfterItStarted_onlyWhileItIsRead() {
        AssignmentFeed feed = new AssignmentFeed(client(StackSettings.fromEnvironment().fhirUrl()), clock);
        Instant before = clock.instant().minusSeconds(1);
        assertThat(feed.covers(clock.instant(), clock.instant(), TTL)).as("not started").isFalse();

        assertThat(feed.read().none()).as("the first read only marks where the feed starts").isTrue();
        Instant fetched = advance(Duration.ofSeconds(5));
        assertThat(feed.covers(fetched, clock.instant(), TTL)).isTrue();
        assertThat(feed.covers(before, clock.instant(), TTL)).as("read before the feed started").isFalse();

        advance(TTL.plusSeconds(1));
        assertThat(feed.covers(fetched, clock.instant(), TTL)).as("not read for longer than the TTL").isFalse();
        feed.read();
        assertThat(feed.covers(fetched, clock.instant(), TTL)).as("read again").isTrue();
    }

    @Test
    void aFeedThatCannotBeRead_coversNothing_andAFailedReadKeepsItsPlace() throws Exception {
        AssignmentFeed unreachable;
        try (ServerSocket closed = new ServerSocket(0)) {
            unreachable = new AssignmentFeed(client("http://127.0.0.1:" + closed.getLocalPort() + "/fhir"), clock);
        }
        assertThatThrownBy(unreachable::read).isInstanceOf(RuntimeException.class);
        assertThat(unreachable.started()).isFalse();
        assertThat(unreachable.covers(clock.instant(), clock.instant(), TTL)).isFalse();
        assertThatThrownBy(unreachable::read).as("asks again from the same point").isInstanceOf(RuntimeException.class);
        assertThat(unreachable.started()).isFalse();
    }

    private Instant advance(Duration by) {
        return clock.advance(by);
    }

    private static IGenericClient client(String url) {
        return FHIR.newRestfulGenericClient(url);
    }
}
