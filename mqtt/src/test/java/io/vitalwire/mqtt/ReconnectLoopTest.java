package io.vitalwire.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vitalwire.backoff.Backoff;
import io.vitalwire.testing.MosquittoBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loop keeps a real connection to a real Mosquitto up across the broker's restart, and stops at once. */
class ReconnectLoopTest {

    private static final Duration DAY = Duration.ofDays(1);

    @TempDir
    Path dir;

    /** Connects a client of its own; counts attempts and the ones that succeeded. */
    private static final class CountingLink implements ReconnectLoop.Link {
        private final MqttConnector connector;
        private final MqttAsyncClient client;
        private final AtomicInteger attempts = new AtomicInteger();
        private final AtomicInteger connections = new AtomicInteger();
        private ReconnectLoop loop;

        CountingLink(MqttConnector connector) throws MqttException {
            this.connector = connector;
            this.client = connector.newClient(null);
        }

        @Override
        public boolean isConnected() {
            return client.isConnected();
        }

        @Override
        public void connect() throws MqttException {
            attempts.incrementAndGet();
            connector.connect(client, connector.options());
            connections.incrementAndGet();
        }

        @Override
        public void work() {
            loop.pause(Duration.ofMillis(20));
        }
    }

    @Test
    void loop_brokerRestarts_reconnectsToTheSameSession() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.plain(dir)) {
            CountingLink link = new CountingLink(new MqttConnector(MqttSettings.of(broker.url(), "loop-1",
                    TlsSettings.NONE, DAY).withConnectTimeout(Duration.ofSeconds(2))));
            // Always the ceiling: the delays are known, 100, 200, 200… ms.
            link.loop = new ReconnectLoop("test-loop", broker.url(),
                    new Backoff(Duration.ofMillis(100), Duration.ofMillis(200), (lo, hi) -> hi), link);
            link.loop.start();
            try {
                await().atMost(Duration.ofSeconds(10)).until(link::isConnected);
                assertThat(link.connections).hasValue(1);

                broker.stop();
                await().atMost(Duration.ofSeconds(10)).until(() -> link.attempts.get() >= 3);
                assertThat(link.isConnected()).isFalse();
                broker.start();

                await().atMost(Duration.ofSeconds(10)).until(link::isConnected);
                assertThat(link.connections).hasValue(2);
                assertThat(link.attempts.get()).isGreaterThan(2);
            } finally {
                assertThat(link.loop.stop(Duration.ofSeconds(5))).isTrue();
                link.client.disconnectForcibly(0, 1_000, false);
                link.client.close(true);
            }
        }
    }

    @Test
    void stop_duringALongBackoff_endsAtOnce() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        ReconnectLoop loop = new ReconnectLoop("test-loop", "tcp://127.0.0.1:1", new Backoff(Duration.ofMinutes(10),
                Duration.ofMinutes(10)), new ReconnectLoop.Link() {
                    @Override
                    public boolean isConnected() {
                        return false;
                    }

                    @Override
                    public void connect() throws MqttException {
                        attempts.incrementAndGet();
                        throw new MqttException(MqttClientException.REASON_CODE_SERVER_CONNECT_ERROR);
                    }

                    @Override
                    public void work() {
                        throw new AssertionError("never connected");
                    }
                });
        loop.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> attempts.get() == 1);

        long started = System.nanoTime();
        assertThat(loop.stop(Duration.ofSeconds(5))).isTrue();

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        assertThat(loop.isRunning()).isFalse();
        assertThat(loop.pause(Duration.ofMinutes(1))).isFalse();
        assertThat(attempts).hasValue(1);
    }

    @Test
    void loop_unexpectedExceptionInWork_backsOffAndGoesOn() throws Exception {
        AtomicInteger rounds = new AtomicInteger();
        ReconnectLoop loop = new ReconnectLoop("test-loop", "tcp://127.0.0.1:1", new Backoff(Duration.ofMillis(10),
                Duration.ofMillis(10)), new ReconnectLoop.Link() {
                    @Override
                    public boolean isConnected() {
                        return true;
                    }

                    @Override
                    public void connect() {
                        throw new AssertionError("always connected");
                    }

                    @Override
                    public void work() {
                        if (rounds.incrementAndGet() == 1) {
                            throw new IllegalStateException("a bug");
                        }
                    }
                });
        loop.start();
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> rounds.get() > 3);
        } finally {
            loop.stop(Duration.ofSeconds(5));
        }
    }
}
