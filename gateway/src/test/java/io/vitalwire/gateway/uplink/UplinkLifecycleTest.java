package io.vitalwire.gateway.uplink;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Each transition changes the state only from the state it expects. */
class UplinkLifecycleTest {

    private final UplinkLifecycle lifecycle = new UplinkLifecycle();

    @Test
    void new_isConnecting() {
        assertThat(lifecycle.current()).isEqualTo(UplinkState.CONNECTING);
        assertThat(lifecycle.current().wireName()).isEqualTo("connecting");
    }

    @Test
    void connected_thenLost_thenConnectedAgain() {
        assertThat(lifecycle.connected()).isTrue();
        assertThat(lifecycle.current().wireName()).isEqualTo("connected");

        assertThat(lifecycle.lost()).isTrue();
        assertThat(lifecycle.current()).isEqualTo(UplinkState.CONNECTING);
        assertThat(lifecycle.connected()).isTrue();
    }

    @Test
    void lost_whileConnecting_changesNothing() {
        assertThat(lifecycle.lost()).isFalse();
        assertThat(lifecycle.current()).isEqualTo(UplinkState.CONNECTING);
    }

    @Test
    void connected_twice_secondChangesNothing() {
        lifecycle.connected();

        assertThat(lifecycle.connected()).isFalse();
        assertThat(lifecycle.current()).isEqualTo(UplinkState.CONNECTED);
    }

    @Test
    void connected_afterStopped_staysStopped() {
        lifecycle.connected();
        lifecycle.stopped();

        assertThat(lifecycle.lost()).isFalse();
        assertThat(lifecycle.connected()).isFalse();
        assertThat(lifecycle.current().wireName()).isEqualTo("stopped");
    }
}
