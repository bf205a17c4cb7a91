package io.vitalwire.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Impossible settings stop a service at start-up, with a message naming the value. */
class MqttSettingsTest {

    private static final Duration DAY = Duration.ofDays(1);

    @Test
    void of_validUrl_takesTheDefaults() {
        MqttSettings settings = MqttSettings.of("ssl://mqtt.example.org:8883", "gw-1", TlsSettings.NONE, DAY);

        assertThat(settings.keepAlive()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.replyTimeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(settings.withConnectTimeout(Duration.ofSeconds(10)).connectTimeout())
                .isEqualTo(Duration.ofSeconds(10));
    }

    @ParameterizedTest
    @ValueSource(strings = {"mqtt://127.0.0.1:1883", "127.0.0.1:1883", "tcp://", "tcp:///path", "tcp://bad host:1883"})
    void of_unusableBrokerUrl_isRefusedNamingIt(String url) {
        assertThatThrownBy(() -> MqttSettings.of(url, "gw-1", TlsSettings.NONE, DAY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(url);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp://mqtt_broker:1883", "ssl://[::1]:8883", "ws://broker/mqtt", "tcp://broker"})
    void of_urlsPahoTakes_areAccepted(String url) {
        assertThat(MqttSettings.of(url, "gw-1", TlsSettings.NONE, DAY).brokerUrl()).isEqualTo(url);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  "})
    void of_blankClientId_isRefused(String clientId) {
        assertThatThrownBy(() -> MqttSettings.of("tcp://127.0.0.1:1883", clientId, TlsSettings.NONE, DAY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("client id");
    }

    @Test
    void of_sessionExpiryBeyondFourOctets_isRefused() {
        assertThatThrownBy(() -> MqttSettings.of("tcp://127.0.0.1:1883", "gw-1", TlsSettings.NONE,
                Duration.ofSeconds(0x1_0000_0000L))).hasMessageContaining("session expiry");
        assertThatThrownBy(() -> MqttSettings.of("tcp://127.0.0.1:1883", "gw-1", TlsSettings.NONE,
                Duration.ofSeconds(-1))).hasMessageContaining("session expiry");
    }

    @Test
    void new_keepAliveBeyondTwoOctets_isRefused() {
        assertThatThrownBy(() -> new MqttSettings("tcp://127.0.0.1:1883", "gw-1", TlsSettings.NONE, DAY,
                Duration.ofSeconds(65_536), Duration.ofSeconds(10), Duration.ofSeconds(15)))
                .hasMessageContaining("keep-alive");
    }

    @Test
    void withConnectTimeout_belowOneSecond_isRefused_PahoWouldWaitForEver() {
        MqttSettings settings = MqttSettings.of("tcp://127.0.0.1:1883", "gw-1", TlsSettings.NONE, DAY);

        assertThatThrownBy(() -> settings.withConnectTimeout(Duration.ofMillis(500)))
                .hasMessageContaining("connect timeout");
    }

    @Test
    void new_zeroReplyTimeout_isRefused() {
        assertThatThrownBy(() -> new MqttSettings("tcp://127.0.0.1:1883", "gw-1", TlsSettings.NONE, DAY,
                Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ZERO)).hasMessageContaining("reply timeout");
    }
}
