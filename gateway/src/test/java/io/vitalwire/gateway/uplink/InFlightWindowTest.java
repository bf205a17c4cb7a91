package io.vitalwire.gateway.uplink;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.Test;

/** Several batches in flight, each settled on its own; answers for abandoned batches change nothing. */
class InFlightWindowTest {

    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    private final AtomicInteger wakes = new AtomicInteger();
    private final InFlightWindow window = new InFlightWindow(wakes::incrementAndGet);

    @Test
    void hasRoom_untilCapacityBatchesAreInFlight() {
        window.resize(2);
        assertThat(window.hasRoom()).isTrue();
        window.add("b", List.of(1L), T0);
        assertThat(window.hasRoom()).isTrue();
        window.add("b", List.of(2L), T0);
        assertThat(window.hasRoom()).isFalse();
    }

    @Test
    void resize_neverBelowOne() {
        window.resize(-1);
        assertThat(window.capacity()).isEqualTo(1);
    }

    @Test
    void settle_eachBatchOnItsOwn_andWakesPerOutcome() {
        window.resize(3);
        InFlightWindow.Batch first = window.add("b", List.of(1L, 2L), T0);
        InFlightWindow.Batch second = window.add("b", List.of(3L, 4L), T0.plusMillis(1));
        InFlightWindow.Batch third = window.add("b", List.of(5L), T0.plusMillis(2));

        window.acknowledged(second);
        MqttException refused = new MqttException(135);
        window.failed(first, refused);
        InFlightWindow.Settled settled = window.settle();

        assertThat(settled.acknowledgedRows()).containsExactly(3L, 4L);
        assertThat(settled.failed()).containsExactly(1L, 2L);
        assertThat(settled.firstFailure()).containsSame(refused);
        assertThat(wakes).hasValue(2);
        assertThat(window.size()).isEqualTo(1);
        assertThat(window.oldestSentAt()).contains(T0.plusMillis(2));

        window.acknowledged(third);
        assertThat(window.settle().acknowledgedRows()).containsExactly(5L);
        assertThat(window.oldestSentAt()).isEmpty();
    }

    @Test
    void settle_ignoresAnswersForAbandonedBatches_evenForTheSameRowsInFlightAgain() {
        window.resize(2);
        InFlightWindow.Batch old = window.add("b", List.of(1L, 2L), T0);

        assertThat(window.abandonAll()).containsExactly(1L, 2L);
        InFlightWindow.Batch again = window.add("b", List.of(1L, 2L), T0);
        window.acknowledged(old);
        InFlightWindow.Settled settled = window.settle();

        assertThat(settled.acknowledgedRows()).isEmpty();
        assertThat(settled.failed()).isEmpty();
        assertThat(window.size()).isEqualTo(1);
        window.failed(again, new MqttException(16));
        assertThat(window.settle().failed()).containsExactly(1L, 2L);
    }
}
