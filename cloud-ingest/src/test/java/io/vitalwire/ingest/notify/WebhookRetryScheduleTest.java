package io.vitalwire.ingest.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link RetrySchedule} and {@code Retry-After} parsing ({@link WebhookSender#retryAfter}). */
class WebhookRetryScheduleTest {

    /** The Standard Webhooks schedule, after the first attempt (sent at once). */
    private static final List<Duration> SPEC = List.of(Duration.ofSeconds(5), Duration.ofMinutes(5),
            Duration.ofMinutes(30), Duration.ofHours(2), Duration.ofHours(5), Duration.ofHours(10),
            Duration.ofHours(14), Duration.ofHours(20), Duration.ofHours(24));

    @Test
    void next_followsTheStepsThenEnds() {
        RetrySchedule schedule = new RetrySchedule(SPEC, 0.2, () -> 0.5);
        assertThat(schedule.attempts()).isEqualTo(10);
        for (int failed = 1; failed <= 9; failed++) {
            assertThat(schedule.next(failed, null)).contains(SPEC.get(failed - 1));
        }
        assertThat(schedule.next(10, null)).isEmpty();
    }

    @Test
    void next_jittersWithinTheFraction() {
        assertThat(new RetrySchedule(SPEC, 0.2, () -> 0.0).next(2, null)).contains(Duration.ofMinutes(4));
        assertThat(new RetrySchedule(SPEC, 0.2, () -> 0.999_999).next(2, null).orElseThrow())
                .isBetween(Duration.ofSeconds(359), Duration.ofMinutes(6));
    }

    @Test
    void next_retryAfterLonger_isHonoured() {
        RetrySchedule schedule = new RetrySchedule(SPEC, 0, () -> 0.5);
        assertThat(schedule.next(1, Duration.ofSeconds(90))).contains(Duration.ofSeconds(90));
    }

    @Test
    void next_retryAfterShorter_keepsTheStep() {
        RetrySchedule schedule = new RetrySchedule(SPEC, 0, () -> 0.5);
        assertThat(schedule.next(3, Duration.ofSeconds(1))).contains(Duration.ofMinutes(30));
    }

    @Test
    void next_retryAfterBeyondTheLongestStep_isCapped() {
        RetrySchedule schedule = new RetrySchedule(SPEC, 0, () -> 0.5);
        assertThat(schedule.next(1, Duration.ofDays(30))).contains(Duration.ofHours(24));
    }

    @Test
    void next_afterTheLastAttempt_retryAfterChangesNothing() {
        RetrySchedule schedule = new RetrySchedule(List.of(Duration.ofSeconds(1)), 0, () -> 0.5);
        assertThat(schedule.next(2, Duration.ofSeconds(5))).isEmpty();
    }

    @Test
    void schedule_badJitter_refused() {
        assertThatThrownBy(() -> new RetrySchedule(SPEC, 0.9, () -> 0.5))
                .hasMessageContaining("retry-jitter");
    }
}
