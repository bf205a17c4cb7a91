package io.vitalwire.gateway.uplink;

import io.micronaut.context.annotation.Context;
import io.vitalwire.contract.Channel;
import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.ContractVersion;
import io.vitalwire.contract.GatewayState;
import io.vitalwire.contract.GatewayStatus;
import io.vitalwire.contract.Presence;
import io.vitalwire.contract.ReadingBatch;
import io.vitalwire.contract.Topic;
import io.vitalwire.gateway.GatewayConfig;
import io.vitalwire.gateway.buffer.BufferStats;
import io.vitalwire.gateway.buffer.BufferedReading;
import io.vitalwire.gateway.backoff.Backoff;
import io.vitalwire.gateway.buffer.ReadingBuffer;
import io.vitalwire.gateway.clock.GatewayClockSync;
import io.vitalwire.gateway.status.AdapterStatus;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards buffered readings to the broker: claims a batch, publishes it as one QoS 1 message, and marks the rows
 * acknowledged only after the broker's PUBACK. Anything else (timeout, error, disconnect) requeues the batch; the
 * cloud deduplicates by reading key, so a resend is harmless and a loss is impossible.
 *
 * <p>The loop owns connecting as well, with jittered exponential backoff, and drains at once when a reading is
 * appended or the link comes back rather than on a timer.
 */
@Context
public class MqttUplink implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MqttUplink.class);

    private final ReadingBuffer buffer;
    private final UplinkConfig config;
    private final GatewayConfig gateway;
    private final List<AdapterStatus> adapters;
    private final GatewayClockSync clockSync;
    private final ContractCodec codec = new ContractCodec();
    private final Clock clock = Clock.systemUTC();
    private final MqttAsyncClient client;
    private final Semaphore wake = new Semaphore(0);
    private final Thread loop;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile String state = "connecting";
    private Instant nextHeartbeat = Instant.EPOCH;

    public MqttUplink(ReadingBuffer buffer, UplinkConfig config, GatewayConfig gateway, List<AdapterStatus> adapters,
                      GatewayClockSync clockSync) throws MqttException {
        this.buffer = buffer;
        this.config = config;
        this.gateway = gateway;
        this.adapters = List.copyOf(adapters);
        this.clockSync = clockSync;
        // Paho keeps in-flight messages in memory only: the buffer is the one durable store, so nothing is stored
        // twice and nothing is replayed behind the buffer's back after a restart.
        this.client = new MqttAsyncClient(config.getBrokerUrl(), config.getClientId().orElse(gateway.getId()),
                new MemoryPersistence());
        buffer.onAppend(wake::release);
        this.loop = new Thread(this::run, "uplink");
        // The application's lifetime is its server's; this thread must not keep a failed start-up alive.
        loop.setDaemon(true);
        loop.start();
    }

    /** "connecting", "connected" or "stopped": for health and heartbeats. */
    public String state() {
        return state;
    }

    private void run() {
        Backoff backoff = new Backoff(config.getMinBackoff(), config.getMaxBackoff());
        while (running) {
            try {
                if (!client.isConnected()) {
                    state = "connecting";
                    connect();
                    state = "connected";
                    backoff.reset();
                }
                heartbeatIfDue();
                if (!forwardOneBatch()) {
                    wake.tryAcquire(Math.max(1, Duration.between(clock.instant(), nextHeartbeat).toMillis()),
                            TimeUnit.MILLISECONDS);
                    wake.drainPermits();
                }
            } catch (MqttException e) {
                Duration delay = backoff.next();
                LOG.warn("uplink to {} failed ({}); retrying in {} ms", config.getBrokerUrl(), e.getMessage(),
                        delay.toMillis());
                sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.error("uplink loop error; retrying", e);
                sleep(backoff.next());
            }
        }
    }

    /** @return whether a batch was sent (so there may be more) */
    private boolean forwardOneBatch() throws MqttException {
        List<BufferedReading> batch = buffer.claimNext(config.getBatchSize());
        if (batch.isEmpty()) {
            return false;
        }
        List<Long> rowIds = batch.stream().map(BufferedReading::rowId).toList();
        try {
            ReadingBatch message = ReadingBatch.of(gateway.getId(), clock.instant(),
                    batch.stream().map(BufferedReading::reading).toList());
            IMqttToken token = client.publish(topic(Channel.READINGS).path(), codec.encode(message), 1, false);
            token.waitForCompletion(config.getAckTimeout().toMillis());
            requireAccepted(token);
            buffer.markAcknowledged(rowIds);
            return true;
        } catch (MqttException | RuntimeException e) {
            buffer.requeue(rowIds);
            throw e;
        }
    }

    private void connect() throws MqttException {
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(false);
        options.setSessionExpiryInterval(config.getSessionExpiry().toSeconds());
        options.setAutomaticReconnect(false);
        options.setKeepAliveInterval(30);
        options.setConnectionTimeout(10);
        MqttMessage will = new MqttMessage(codec.encode(new GatewayState(ContractVersion.CURRENT, gateway.getId(),
                Presence.OFFLINE, clock.instant(), software())), 1, true, null);
        options.setWill(topic(Channel.STATE).path(), will);
        client.connect(options).waitForCompletion(15_000);
        client.publish(topic(Channel.STATE).path(), codec.encode(new GatewayState(ContractVersion.CURRENT,
                gateway.getId(), Presence.ONLINE, clock.instant(), software())), 1, true).waitForCompletion(15_000);
        nextHeartbeat = Instant.EPOCH;
        LOG.info("uplink connected to {} as {}", config.getBrokerUrl(), client.getClientId());
    }

    private void heartbeatIfDue() throws MqttException {
        Instant now = clock.instant();
        if (now.isBefore(nextHeartbeat)) {
            return;
        }
        BufferStats stats = buffer.stats();
        GatewayStatus status = new GatewayStatus(ContractVersion.CURRENT, gateway.getId(), now, stats.unsent(),
                stats.oldestUnsentAge().map(Duration::toMillis).orElse(null), state, adapterStates(adapters),
                clockSync.state());
        client.publish(topic(Channel.STATUS).path(), codec.encode(status), 1, false);
        nextHeartbeat = now.plus(config.getHeartbeatInterval());
    }

    /** name → state of every input adapter; one that fails to answer is reported as {@code unknown}. */
    static Map<String, String> adapterStates(List<AdapterStatus> adapters) {
        Map<String, String> states = new TreeMap<>();
        for (AdapterStatus a : adapters) {
            String value;
            try {
                value = a.state();
            } catch (RuntimeException e) {
                value = "unknown";
            }
            states.put(a.name(), value == null ? "unknown" : value);
        }
        return states;
    }

    private static void requireAccepted(IMqttToken token) throws MqttException {
        int[] codes = token.getReasonCodes();
        if (codes != null) {
            for (int code : codes) {
                if (code >= 0x80) {
                    throw new MqttException(code);
                }
            }
        }
    }

    private Topic topic(Channel channel) {
        return Topic.of(gateway.getTenant(), gateway.getId(), channel);
    }

    private static String software() {
        String version = MqttUplink.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    /** Backoff sleeps ignore new readings (they are safe in the buffer) but not shutdown. */
    private void sleep(Duration delay) {
        try {
            stopping.await(delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @PreDestroy
    @Override
    public void close() {
        running = false;
        stopping.countDown();
        wake.release();
        try {
            loop.join(10_000);
            if (client.isConnected()) {
                // A clean shutdown says so itself; the last will is for unclean ones.
                client.publish(topic(Channel.STATE).path(), codec.encode(new GatewayState(ContractVersion.CURRENT,
                        gateway.getId(), Presence.OFFLINE, clock.instant(), software())), 1, true)
                        .waitForCompletion(5_000);
                client.disconnect().waitForCompletion(5_000);
            }
            client.close();
        } catch (MqttException e) {
            LOG.warn("uplink shutdown: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        state = "stopped";
    }
}
