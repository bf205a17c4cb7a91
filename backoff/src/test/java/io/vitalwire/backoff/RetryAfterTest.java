package io.vitalwire.backoff;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetryAfterTest {

    @Test
    void parse_seconds() {
        assertThat(RetryAfter.parse(" 120 ", Instant.EPOCH)).contains(Duration.ofSeconds(120));
    }

    @Test
    void parse_httpDate() {
        Instant now = Instant.parse("2026-01-05T08:00:00Z");
        assertThat(RetryAfter.parse("Mon, 05 Jan 2026 08:02:30 GMT", now)).contains(Duration.ofSeconds(150));
    }

    @Test
    void parse_pastDateOrGarbage_ignored() {
        Instant now = Instant.parse("2026-01-05T08:00:00Z");
        assertThat(RetryAfter.parse("Mon, 05 Jan 2026 07:00:00 GMT", now)).isEmpty();
        assertThat(RetryAfter.parse("soon", now)).isEmpty();
        assertThat(RetryAfter.parse("", now)).isEmpty();
        assertThat(RetryAfter.parse("-5", now)).isEmpty();
    }
}
