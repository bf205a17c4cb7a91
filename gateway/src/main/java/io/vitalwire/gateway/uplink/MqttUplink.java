package io.vitalwire.gateway.uplink;

import io.micronaut.context.annotation.Context;
import io.micrometer.core.instrument.MeterRegistry;
import io.vitalwire.backoff.Backoff;
import io.vitalwire.contract.Channel;
import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.Presence;
import io.vitalwire.gateway.identity.GatewayConfig;
import io.vitalwire.gateway.identity.SystemdCredentials;
import io.vitalwire.gateway.buffer.BufferedReading;
import io.vitalwire.gateway.buffer.EventOutbox;
import io.vitalwire.gateway.buffer.ReadingBuffer;
import io.vitalwire.gateway.clock.GatewayClockSync;
import io.vitalwire.gateway.clock.MonotonicClock;
import io.vitalwire.gateway.remote.RemoteConfig;
import io.vitalwire.gateway.status.AdapterStatus;
import io.vitalwire.mqtt.MqttConnector;
import io.vitalwire.mqtt.MqttSettings;
import io.vitalwire.mqtt.ReconnectLoop;
import io.vitalwire.mqtt.TlsSettings;
import io.vitalwire.privacy.SecretFile;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards buffered readings to the broker: claims batches, publishes each as a QoS 1 message of bounded size under a
 * new batch id, and after its own PUBACK holds its rows until cloud-ingest's receipt names the batch
 * ({@link ReceiptWindow}): only then are they acknowledged in the buffer. Anything else (refusal, timeout, disconnect,
 * an overdue receipt) requeues the rows; the cloud deduplicates by reading key, so a resend is harmless and a loss —
 * also one the broker causes after its PUBACK — is impossible. Up to the broker's Receive Maximum of batches are in
 * flight at once ({@link InFlightWindow}).
 *
 * <p>Its {@link ReconnectLoop} connects (the shared {@link MqttConnector}; the uplink adds its TLS checks,
 * {@link UplinkTls}, and its presence, {@link GatewayPresence}) and drains at once when a reading is appended or the
 * link comes back rather than on a timer. The {@link Heartbeat}, the {@link GapReporter} and the
 * {@link EventReporter} (device events, durable in the {@link EventOutbox}) share the connection.
 */
@Context
public class MqttUplink implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MqttUplink.class);
    /** Receive Maximum slots kept free of readings batches, for heartbeats, events and presence. */
    private static final int PRESENCE_SLOTS = 2;
    /** Bytes of a PUBLISH packet besides the payload, generously: fixed header, topic, packet id, properties. */
    private static final int PACKET_OVERHEAD = 1024;
    /** A dead link should not hold the uplink long: the reconnect loop's backoff paces the next attempt. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);
    private static final long SHUTDOWN_WAIT_MILLIS = 5_000;

    private final ReadingBuffer buffer;
    private final UplinkConfig config;
    private final UplinkTopics topics;
    private final Clock clock;
    /**
     * Deadlines and intervals (acknowledgement timeout, heartbeats, retries of events and gaps) are measured on a
     * monotonic clock: on the wall clock, setting it back by hours stalled heartbeats for hours, and setting it
     * forward expired every batch in flight at once, which were then sent twice.
     */
    private final Clock timers;
    private final MqttConnector connector;
    private final BatchEncoder encoder = new BatchEncoder(new BatchIds());
    private final Semaphore wake = new Semaphore(0);
    private final InFlightWindow window = new InFlightWindow(wake::release);
    private final ReceiptWindow receipts;
    private final ReceiptListener receiptListener;
    private final ConfigListener configListener;
    private final OverdueReceipts overdueReceipts;
    private final UplinkLifecycle lifecycle = new UplinkLifecycle();
    private final GatewayPresence presence;
    private final Heartbeat heartbeat;
    private final GapReporter gaps;
    private final EventReporter events;
    private final ReconnectLoop loop;
    /** A new one for each connection (see {@link #replaceClient()}); written by the loop only. */
    private volatile MqttAsyncClient client;
    /** Payload limit on the current connection: configured, or lower if the broker says so. */
    private int maxMessageBytes;

    @Inject
    public MqttUplink(ReadingBuffer buffer, EventOutbox outbox, UplinkConfig config, GatewayConfig gateway,
                      List<AdapterStatus> adapters, GatewayClockSync clockSync, RemoteConfig remote,
                      MeterRegistry meters, Clock clock) throws MqttException {
        this(buffer, outbox, config, gateway, adapters, clockSync, remote, meters, clock,
                MonotonicClock.startingAt(clock));
    }

    MqttUplink(ReadingBuffer buffer, EventOutbox outbox, UplinkConfig config, GatewayConfig gateway,
               List<AdapterStatus> adapters, GatewayClockSync clockSync, RemoteConfig remote, MeterRegistry meters,
               Clock clock, Clock timers) throws MqttException {
        this.buffer = buffer;
        this.config = config;
        this.topics = new UplinkTopics(gateway.getTenant(), gateway.getId());
        this.clock = clock;
        this.timers = timers;
        this.connector = new MqttConnector(mqttSettings(config, gateway));
        UplinkTls.check(connector.tls(), config, gateway.getId(), gateway.getTenant(), clock);
        ContractCodec codec = new ContractCodec();
        this.presence = new GatewayPresence(topics, codec, clock);
        this.heartbeat = new Heartbeat(buffer, topics, codec, adapters, clockSync, config.getHeartbeatInterval(),
                remote, clock, timers);
        this.configListener = new ConfigListener(topics, remote);
        // The cloud learns at once that its version was applied (and the new interval starts now).
        remote.onApplied(applied -> {
            heartbeat.dueNow();
            wake.release();
        });
        this.gaps = new GapReporter(buffer, topics, codec, config.getHeartbeatInterval(), config.getAckTimeout(),
                timers);
        this.events = new EventReporter(outbox, topics, config.getHeartbeatInterval(), config.getAckTimeout(), timers);
        this.maxMessageBytes = config.getMaxMessageBytes();
        ReceiptPacing pacing = new ReceiptPacing(config.getBatchSize(), config.getMaxAwaitingReceipt(),
                config.getReceiptQueueTarget());
        meters.gauge("vitalwire.uplink.paced.limit", pacing, ReceiptPacing::limit);
        this.receipts = new ReceiptWindow(config.getReceiptTimeout(), config.getMaxReceiptTimeout(), pacing, timers,
                wake::release);
        this.receiptListener = new ReceiptListener(topics, codec, receipts);
        this.overdueReceipts = new OverdueReceipts(meters, timers);
        this.client = newClient();
        buffer.onAppend(wake::release);
        outbox.onAppend(() -> {
            events.queued();
            wake.release();
        });
        this.loop = new ReconnectLoop("uplink", config.getBrokerUrl(),
                new Backoff(config.getMinBackoff(), config.getMaxBackoff()), new Link());
        loop.start();
    }

    /**
     * The operator's keys (UplinkConfig) as the shared module's settings; the client id defaults to the gateway id,
     * the private key comes from systemd's credential {@code gateway.key} if the unit was given one.
     */
    private static MqttSettings mqttSettings(UplinkConfig config, GatewayConfig gateway) {
        Optional<Path> keyFile = SystemdCredentials.fromEnvironment().find(SystemdCredentials.TLS_KEY)
                .or(config::getKeyFile);
        keyFile.ifPresent(key -> SecretFile.requirePrivate("the uplink's TLS private key", key));
        return MqttSettings.of(config.getBrokerUrl(), config.getClientId().orElse(gateway.getId()),
                        new TlsSettings(config.getCaFile(), config.getCertFile(), keyFile,
                                config.isHostnameVerification()), config.getSessionExpiry())
                .withConnectTimeout(CONNECT_TIMEOUT);
    }

    /** For health and heartbeats. */
    public UplinkState state() {
        return lifecycle.current();
    }

    /** The uplink as its reconnect loop sees it; all but {@link #wakeUp()} run on the loop's thread. */
    private final class Link implements ReconnectLoop.Link {

        @Override
        public boolean isConnected() {
            return client.isConnected();
        }

        @Override
        public void connect() throws MqttException {
            lifecycle.lost();
            openConnection();
            lifecycle.connected();
            // Readings appended from now on go before the backlog; gaps and device events are reported at once.
            buffer.markLinkUp();
            gaps.dueNow();
            events.dueNow();
        }

        @Override
        public void work() throws MqttException, InterruptedException {
            heartbeat.publishIfDue(client, lifecycle.current());
            gaps.reportIfDue(client);
            events.reportIfDue(client);
            if (!forwardBatches()) {
                wake.tryAcquire(Math.max(1, nextWake().toMillis()), TimeUnit.MILLISECONDS);
                wake.drainPermits();
            }
        }

        @Override
        public void wakeUp() {
            wake.release();
        }
    }

    /** How long the uplink may sleep: until the next heartbeat, or the next receipt due, whichever is first. */
    private Duration nextWake() {
        Duration heartbeatDue = heartbeat.dueIn();
        return receipts.nextDue().map(due -> Duration.between(timers.instant(), due))
                .filter(d -> d.compareTo(heartbeatDue) < 0).orElse(heartbeatDue);
    }

    /**
     * Settles the batches the broker has answered and the receipts that came, sends again what is overdue, then fills
     * the in-flight window from the buffer while room awaits receipts.
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
        settleReceipts();
        if (failure.isPresent()) {
            throw failure.get();
        }
        if (window.oldestSentAt().filter(sent -> sent.plus(config.getAckTimeout()).isBefore(timers.instant()))
                .isPresent()) {
            // The broker keeps the connection but does not answer: only a new connection can tell what it has.
            client.disconnectForcibly(0, 0, false);
            throw new MqttException(MqttClientException.REASON_CODE_CLIENT_TIMEOUT);
        }
        boolean sent = false;
        while (window.hasRoom() && (!config.isReceiptsRequired() || receipts.hasRoom(window.rows()))) {
            List<BufferedReading> claimed = buffer.claimNext(config.getBatchSize());
            if (claimed.isEmpty()) {
                break;
            }
            List<EncodedBatch> messages = encoder.encode(topics.gatewayId(), clock.instant(), claimed,
                    maxMessageBytes);
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
        InFlightWindow.Batch batch = window.add(message.batchId(), message.rowIds(), timers.instant());
        try {
            client.publish(topics.path(Channel.READINGS), message.payload(), 1, false, null,
                    new MqttActionListener() {
                        @Override
                        public void onSuccess(IMqttToken token) {
                            BrokerRefusal.of(token).ifPresentOrElse(e -> window.failed(batch, e),
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
     * Batches the broker acknowledged → {@link ReadingBuffer#markPublished}, awaiting their receipt (with receipts
     * off: {@link ReadingBuffer#markAcknowledged}); failed ones → {@link ReadingBuffer#requeue}.
     *
     * @return why the first failed batch failed, if one did
     */
    private Optional<MqttException> settleAnswered() {
        InFlightWindow.Settled settled = window.settle();
        if (!settled.acknowledged().isEmpty()) {
            if (config.isReceiptsRequired()) {
                buffer.markPublished(settled.acknowledgedRows());
                Instant now = timers.instant();
                settled.acknowledged().forEach(b -> receipts.acknowledged(b.batchId(), b.rowIds(), b.sentAt(), now));
            } else {
                buffer.markAcknowledged(settled.acknowledgedRows());
            }
            // The link demonstrably works: the next failure starts its backoff from the minimum again.
            loop.resetBackoff();
        }
        if (!settled.failed().isEmpty()) {
            buffer.requeue(settled.failed());
        }
        return settled.firstFailure().map(MqttUplink::asMqttException);
    }

    /**
     * Receipted rows → {@link ReadingBuffer#markAcknowledged}; rows whose receipt is overdue →
     * {@link ReadingBuffer#requeue}, to go again under a new batch id.
     */
    private void settleReceipts() {
        List<Long> receipted = receipts.settleReceipts();
        if (!receipted.isEmpty()) {
            buffer.markAcknowledged(receipted);
        }
        List<Long> overdue = receipts.overdue(timers.instant());
        if (!overdue.isEmpty()) {
            overdueReceipts.resending(overdue.size());
            buffer.requeue(overdue);
        }
    }

    private static MqttException asMqttException(Throwable e) {
        return e instanceof MqttException m ? m : new MqttException(e);
    }

    /** Connects a fresh client with the offline presence as its will, sizes the window, then announces online. */
    private void openConnection() throws MqttException {
        // The previous connection's unanswered batches go again on this one: their PUBACKs can no longer come.
        settleAnswered();
        List<Long> unanswered = window.abandonAll();
        if (!unanswered.isEmpty()) {
            buffer.requeue(unanswered);
        }
        replaceClient();
        MqttConnectionOptions options = connector.options();
        presence.setWill(options);
        IMqttToken connected = connector.connect(client, options);
        fitToBroker(connected.getResponseProperties());
        if (config.isReceiptsRequired()) {
            subscribeToReceipts();
        }
        subscribeToConfig();
        connector.await(presence.announce(client, Presence.ONLINE));
        heartbeat.dueNow();
        LOG.info("uplink connected to {} as {}: up to {} batches in flight, messages up to {} bytes",
                config.getBrokerUrl(), client.getClientId(), window.capacity(), maxMessageBytes);
    }

    /**
     * Subscribes to this gateway's receipts, on every connection (the session keeps the subscription, and receipts
     * written while the gateway was away, but a broker that lost its state has neither). A broker that refuses the
     * subscription (an ACL without the gateway's receipts line) fails the connection: without receipts no reading
     * could ever leave the buffer, so the uplink holds, says why, and retries with backoff until the ACL is fixed.
     */
    private void subscribeToReceipts() throws MqttException {
        IMqttToken subscribed = connector.await(client.subscribe(receiptListener.topic(), 1));
        int[] codes = subscribed.getReasonCodes();
        if (codes == null || codes.length == 0 || codes[0] >= 0x80) {
            int code = codes == null || codes.length == 0 ? MqttClientException.REASON_CODE_UNEXPECTED_ERROR : codes[0];
            LOG.error("the broker refused this gateway's subscription to its receipts (reason code 0x{}): its ACL "
                    + "must let the gateway read {} (deploy/broker: pki.sh acl); readings are kept and the uplink "
                    + "retries", Integer.toHexString(code), receiptListener.topic());
            throw new MqttException(code);
        }
    }

    /**
     * Subscribes to this gateway's retained configuration, on every connection: the broker then sends the current
     * one, and {@link RemoteConfig} ignores it unless it is newer than the applied one. A broker that refuses (an
     * ACL rendered before contract 1.2) costs only the remote configuration: the gateway keeps its last good or
     * local one, says why, and readings flow.
     */
    private void subscribeToConfig() throws MqttException {
        IMqttToken subscribed = connector.await(client.subscribe(configListener.topic(), 1));
        int[] codes = subscribed.getReasonCodes();
        if (codes == null || codes.length == 0 || codes[0] >= 0x80) {
            LOG.warn("the broker refused this gateway's subscription to its configuration (reason code 0x{}): its "
                    + "ACL must let the gateway read {} (deploy/broker: pki.sh acl); the gateway keeps the "
                    + "configuration it has", Integer.toHexString(codes == null || codes.length == 0 ? 0 : codes[0]),
                    configListener.topic());
        }
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
     * slots the window does not know about.
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
        return connector.newClient(new UplinkCallback(wake::release, receiptListener, configListener));
    }

    @PreDestroy
    @Override
    public void close() {
        try {
            loop.stop(SHUTDOWN_GRACE);
            if (client.isConnected()) {
                // A clean shutdown says so itself; the last will is for unclean ones.
                presence.announce(client, Presence.OFFLINE).waitForCompletion(SHUTDOWN_WAIT_MILLIS);
                client.disconnect().waitForCompletion(SHUTDOWN_WAIT_MILLIS);
            }
            client.close();
        } catch (MqttException e) {
            LOG.warn("uplink shutdown: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        lifecycle.stopped();
    }
}
