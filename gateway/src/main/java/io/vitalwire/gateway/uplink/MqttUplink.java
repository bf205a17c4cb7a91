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
import io.vitalwire.contract.tls.ClientTls;
import io.vitalwire.gateway.GatewayConfig;
import io.vitalwire.gateway.buffer.BufferStats;
import io.vitalwire.gateway.buffer.BufferedReading;
import io.vitalwire.gateway.buffer.Gap;
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
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.MqttReturnCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards buffered readings to the broker: claims batches, publishes each as a QoS 1 message of bounded size, and
 * marks a batch's rows acknowledged only after its own PUBACK. Anything else (refusal, timeout, disconnect) requeues
 * the batch; the cloud deduplicates by reading key, so a resend is harmless and a loss is impossible. Up to the
 * broker's Receive Maximum of batches are in flight at once ({@link InFlightWindow}).
 *
 * <p>The loop owns connecting as well (TLS and mutual TLS from PEM files, {@link UplinkTls}), with jittered
 * exponential backoff, and drains at once when a reading is appended or the link comes back rather than on a timer.
 */
@Context
public class MqttUplink implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MqttUplink.class);
    /** Receive Maximum slots kept free of readings batches, for heartbeats, events and presence. */
    private static final int PRESENCE_SLOTS = 2;
    /** Bytes of a PUBLISH packet besides the payload, generously: fixed header, topic, packet id, properties. */
    private static final int PACKET_OVERHEAD = 1024;

    private final ReadingBuffer buffer;
    private final UplinkConfig config;
    private final GatewayConfig gateway;
    private final List<AdapterStatus> adapters;
    private final GatewayClockSync clockSync;
    private final ContractCodec codec = new ContractCodec();
    private final Clock clock = Clock.systemUTC();
    private final Optional<ClientTls> tls;
    private final BatchEncoder encoder = new BatchEncoder();
    private final Semaphore wake = new Semaphore(0);
    private final InFlightWindow window = new InFlightWindow(wake::release);
    private final Backoff backoff;
    /** A new one for each connection (see {@link #replaceClient()}); written by the loop only. */
    private volatile MqttAsyncClient client;
    /** Payload limit on the current connection: configured, or lower if the broker says so. */
    private int maxMessageBytes;
    private final Thread loop;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile String state = "connecting";
    private Instant nextHeartbeat = Instant.EPOCH;
    private Instant nextGapReport = Instant.EPOCH;

    public MqttUplink(ReadingBuffer buffer, UplinkConfig config, GatewayConfig gateway, List<AdapterStatus> adapters,
                      GatewayClockSync clockSync) throws MqttException {
        this.buffer = buffer;
        this.config = config;
        this.gateway = gateway;
        this.adapters = List.copyOf(adapters);
        this.clockSync = clockSync;
        this.tls = UplinkTls.load(config, gateway.getId(), clock);
        this.backoff = new Backoff(config.getMinBackoff(), config.getMaxBackoff());
        this.maxMessageBytes = config.getMaxMessageBytes();
        this.client = newClient();
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
        while (running) {
            try {
                if (!client.isConnected()) {
                    state = "connecting";
                    connect();
                    state = "connected";
                    backoff.reset();
                    linkUp();
                }
                heartbeatIfDue();
                reportGapsIfDue();
                if (!forwardBatches()) {
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

    /**
     * Settles the batches the broker has answered, then fills the in-flight window from the buffer.
     *
     * <p>Order: batches are claimed in buffer order and published in that order on one connection, so they reach the
     * broker in order; but each is settled on its own, and a failed one is requeued and sent again after later ones
     * may have been delivered, so a device's readings can reach the cloud out of order (cloud-ingest's replicas also
     * handle a shared subscription's messages concurrently). The cloud never relies on arrival order: it deduplicates
     * by reading key and orders a device's readings by their {@code measuredAt}.
     *
     * @return whether to come round again at once: batches went out, and there may be more
     */
    private boolean forwardBatches() throws MqttException {
        Optional<MqttException> failure = settleAnswered();
        if (failure.isPresent()) {
            throw failure.get();
        }
        if (window.oldestSentAt().filter(sent -> sent.plus(config.getAckTimeout()).isBefore(clock.instant()))
                .isPresent()) {
            // The broker keeps the connection but does not answer: only a new connection can tell what it has.
            client.disconnectForcibly(0, 0, false);
            throw new MqttException(MqttClientException.REASON_CODE_CLIENT_TIMEOUT);
        }
        boolean sent = false;
        while (window.hasRoom()) {
            List<BufferedReading> claimed = buffer.claimNext(config.getBatchSize());
            if (claimed.isEmpty()) {
                break;
            }
            List<EncodedBatch> messages = encoder.encode(gateway.getId(), clock.instant(), claimed, maxMessageBytes);
            int published = 0;
            try {
                while (published < messages.size() && window.hasRoom()) {
                    publish(messages.get(published++));
                }
            } finally {
                // Claimed but not sent: back to the queue, first in line for the next claim.
                List<Long> unsent = messages.subList(published, messages.size()).stream()
                        .flatMap(m -> m.rowIds().stream()).toList();
                if (!unsent.isEmpty()) {
                    buffer.requeue(unsent);
                }
            }
            sent = true;
        }
        return sent;
    }

    /** Publishes one batch into the window; its outcome arrives on Paho's thread and is settled by the loop. */
    private void publish(EncodedBatch message) throws MqttException {
        InFlightWindow.Batch batch = window.add(message.rowIds(), clock.instant());
        try {
            client.publish(topic(Channel.READINGS).path(), message.payload(), 1, false, null,
                    new MqttActionListener() {
                        @Override
                        public void onSuccess(IMqttToken token) {
                            refusal(token).ifPresentOrElse(e -> window.failed(batch, e),
                                    () -> window.acknowledged(batch));
                        }

                        @Override
                        public void onFailure(IMqttToken token, Throwable e) {
                            window.failed(batch, asMqttException(e));
                        }
                    });
        } catch (MqttException | RuntimeException e) {
            window.failed(batch, asMqttException(e));
            throw e;
        }
    }

    /**
     * Acknowledged batches → {@link ReadingBuffer#markAcknowledged}, failed ones → {@link ReadingBuffer#requeue}.
     *
     * @return why the first failed batch failed, if one did
     */
    private Optional<MqttException> settleAnswered() {
        InFlightWindow.Settled settled = window.settle();
        if (!settled.acknowledged().isEmpty()) {
            buffer.markAcknowledged(settled.acknowledged());
            // The link demonstrably works: the next failure starts its backoff from the minimum again.
            backoff.reset();
        }
        if (!settled.failed().isEmpty()) {
            buffer.requeue(settled.failed());
        }
        return settled.firstFailure().map(MqttUplink::asMqttException);
    }

    private static MqttException asMqttException(Throwable e) {
        return e instanceof MqttException m ? m : new MqttException(e);
    }

    private void connect() throws MqttException {
        // The previous connection's unanswered batches go again on this one: their PUBACKs can no longer come.
        settleAnswered();
        List<Long> unanswered = window.abandonAll();
        if (!unanswered.isEmpty()) {
            buffer.requeue(unanswered);
        }
        replaceClient();
        MqttConnectionOptions options = new MqttConnectionOptions();
        tls.ifPresent(t -> {
            options.setSocketFactory(t.socketFactory());
            options.setHttpsHostnameVerificationEnabled(config.isHostnameVerification());
        });
        options.setCleanStart(false);
        options.setSessionExpiryInterval(config.getSessionExpiry().toSeconds());
        options.setAutomaticReconnect(false);
        options.setKeepAliveInterval(30);
        options.setConnectionTimeout(10);
        MqttMessage will = new MqttMessage(codec.encode(new GatewayState(ContractVersion.CURRENT, gateway.getId(),
                Presence.OFFLINE, clock.instant(), software())), 1, true, null);
        options.setWill(topic(Channel.STATE).path(), will);
        IMqttToken connected = client.connect(options);
        connected.waitForCompletion(15_000);
        fitToBroker(connected.getResponseProperties());
        client.publish(topic(Channel.STATE).path(), codec.encode(new GatewayState(ContractVersion.CURRENT,
                gateway.getId(), Presence.ONLINE, clock.instant(), software())), 1, true).waitForCompletion(15_000);
        nextHeartbeat = Instant.EPOCH;
        LOG.info("uplink connected to {} as {}: up to {} batches in flight, messages up to {} bytes",
                config.getBrokerUrl(), client.getClientId(), window.capacity(), maxMessageBytes);
    }

    /**
     * Sizes the window and messages to what the broker announced in its CONNACK. Its Receive Maximum counts every
     * QoS 1 message awaiting a PUBACK (Paho refuses to exceed it), so {@link #PRESENCE_SLOTS} stay free for the
     * heartbeats, events and presence that share the connection.
     */
    private void fitToBroker(MqttProperties connack) {
        // MQTT 5: absent means 65,535 and "no limit" respectively.
        int receiveMaximum = Optional.ofNullable(connack).map(MqttProperties::getReceiveMaximum).orElse(65_535);
        long packetLimit = Optional.ofNullable(connack).map(MqttProperties::getMaximumPacketSize)
                .orElse(Long.MAX_VALUE);
        window.resize(Math.min(config.getMaxInflight(), receiveMaximum - PRESENCE_SLOTS));
        maxMessageBytes = (int) Math.max(1, Math.min(config.getMaxMessageBytes(), packetLimit - PACKET_OVERHEAD));
    }

    /**
     * A fresh client for each connection. Paho would otherwise resend the old connection's unanswered messages from
     * its memory after reconnecting: duplicates of rows the buffer has already requeued, taking Receive Maximum
     * slots the window does not know about. (Paho keeps nothing on disk either: the buffer is the one durable store,
     * so nothing is replayed behind its back after a restart.)
     */
    private void replaceClient() throws MqttException {
        MqttAsyncClient previous = client;
        client = newClient();
        try {
            previous.close(true);
        } catch (MqttException e) {
            LOG.debug("closing the previous MQTT client: {}", e.getMessage());
        }
    }

    private MqttAsyncClient newClient() throws MqttException {
        MqttAsyncClient fresh = new MqttAsyncClient(config.getBrokerUrl(),
                config.getClientId().orElse(gateway.getId()), new MemoryPersistence());
        fresh.setCallback(new WakeOnDisconnect(wake::release));
        return fresh;
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

    /** Readings appended from now on go before the backlog; gaps are reported at once. */
    private void linkUp() {
        buffer.markLinkUp();
        nextGapReport = Instant.EPOCH;
    }

    /**
     * Reports the buffer's refusal gaps as "gap" events (QoS 1), each marked reported after its PUBACK: right after
     * connecting, then once per heartbeat interval while some remain. A gap that grew meanwhile stays unreported and
     * goes again with its new totals under the same gapId; one the broker does not take (e.g. 0x10, nobody subscribes
     * to events yet) waits for the next round.
     */
    private void reportGapsIfDue() throws MqttException {
        Instant now = clock.instant();
        if (now.isBefore(nextGapReport)) {
            return;
        }
        nextGapReport = now.plus(config.getHeartbeatInterval());
        for (Gap gap : buffer.unreportedGaps()) {
            IMqttToken token = client.publish(topic(Channel.EVENTS).path(), codec.encode(gap.toEvent(gateway.getId())),
                    1, false);
            token.waitForCompletion(config.getAckTimeout().toMillis());
            Optional<MqttException> refused = refusal(token);
            if (refused.isPresent()) {
                LOG.info("gap {} not taken by the broker ({}); reporting it again later", gap.id(),
                        refused.get().getMessage());
                return;
            }
            buffer.markGapReported(gap);
        }
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

    /**
     * Why the broker did not take a readings batch it answered: a reason code of 0x80 or more, or 0x10 "no matching
     * subscribers". With 0x10 the broker accepted the message and dropped it, because nobody subscribes to readings
     * (cloud-ingest's session was lost with the broker's state, or expired): for readings that is a loss, so the
     * batch stays in the buffer and is retried, with backoff, until cloud-ingest subscribes again.
     */
    private static Optional<MqttException> refusal(IMqttToken token) {
        int[] codes = token.getReasonCodes();
        if (codes != null) {
            for (int code : codes) {
                if (code >= 0x80 || code == MqttReturnCode.RETURN_CODE_NO_MATCHING_SUBSCRIBERS) {
                    return Optional.of(new MqttException(code));
                }
            }
        }
        return Optional.empty();
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
