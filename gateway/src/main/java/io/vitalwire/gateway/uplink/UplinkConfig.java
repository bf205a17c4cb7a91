package io.vitalwire.gateway.uplink;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** The MQTT uplink ({@code vitalwire.gateway.uplink.*}). */
@ConfigurationProperties("vitalwire.gateway.uplink")
public interface UplinkConfig {

    /**
     * Broker URL, {@code tcp://} or {@code ssl://} (TLS 1.3 or 1.2, with the files below). Default
     * {@code tcp://127.0.0.1:1883}.
     */
    @Bindable(defaultValue = "tcp://127.0.0.1:1883")
    String getBrokerUrl();

    /**
     * PEM file of the CA certificate(s) the broker's certificate must chain to ({@code ssl://} only). Default: none,
     * the JVM's trusted CAs.
     */
    Optional<Path> getCaFile();

    /**
     * PEM file of this gateway's client certificate for mutual TLS, leaf first, then any intermediates. Its CN must
     * be {@code vitalwire.gateway.id}: the broker knows the gateway by it, and its ACL lets the gateway write only
     * below its own topics. Default: none (no client certificate).
     */
    Optional<Path> getCertFile();

    /**
     * The client certificate's private key: PEM, unencrypted PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}; EC, RSA
     * or EdDSA), mode 0600. Required with {@link #getCertFile()}. Default: none.
     */
    Optional<Path> getKeyFile();

    /**
     * Check that the broker's certificate names the host of {@link #getBrokerUrl()} (a DNS or IP subject alternative
     * name). Turning it off lets anyone holding a certificate of the same CA pose as the broker. Default true.
     */
    @Bindable(defaultValue = "true")
    boolean isHostnameVerification();

    /** MQTT client id; the broker keeps the session under it. Default: the gateway id. */
    Optional<String> getClientId();

    /** Most readings packed into one MQTT message. Default 500. */
    @Bindable(defaultValue = "500")
    int getBatchSize();

    /**
     * Largest MQTT message payload in bytes; a batch that would be larger goes as several messages. Lowered further
     * to the broker's Maximum Packet Size if it announces a smaller one. Default 524288 (512 KiB: 500 blood-pressure
     * readings take about 330 KB; the contract allows 2 MiB).
     */
    @Bindable(defaultValue = "524288")
    int getMaxMessageBytes();

    /**
     * Most batches awaiting their PUBACK at once; the broker's Receive Maximum (Mosquitto: max_inflight_messages,
     * 20 by default) lowers it, less 2 kept for heartbeats and events. Default 16.
     */
    @Bindable(defaultValue = "16")
    int getMaxInflight();

    /** How long to wait for a PUBACK before the batch is requeued. Default 30s. */
    @Bindable(defaultValue = "30s")
    Duration getAckTimeout();

    /**
     * Keep every reading until cloud-ingest's receipt says its inbox (or quarantine) holds it, sending again what is
     * not receipted in time. Off, the broker's PUBACK is enough, as before contract 1.1: only for a cloud-ingest too
     * old to send receipts, since a broker acknowledges from memory. Default true.
     */
    @Bindable(defaultValue = "true")
    boolean isReceiptsRequired();

    /**
     * How long after the broker's PUBACK a batch's receipt may take before its readings are sent again (same keys:
     * the cloud takes each once). Grows with the shared backoff, up to {@link #getMaxReceiptTimeout()}, while no
     * receipt comes at all. Default 60s.
     */
    @Bindable(defaultValue = "60s")
    Duration getReceiptTimeout();

    /** The longest the receipt timeout grows to while cloud-ingest sends no receipts. Default 15m. */
    @Bindable(defaultValue = "15m")
    Duration getMaxReceiptTimeout();

    /**
     * Most readings that may be out at once (awaiting their PUBACK or their receipt); the uplink sends no more until
     * receipts come or time out. The ceiling of the paced limit (see {@link #getReceiptQueueTarget()}); bounds the
     * memory that holds them (a few bytes each) and what one resend puts on the wire; at the default a receipt may
     * take 1.5 s at 30,000 readings/s without slowing the uplink. Default 50000.
     */
    @Bindable(defaultValue = "50000")
    int getMaxAwaitingReceipt();

    /**
     * How long a batch may queue on its way to cloud-ingest (its receipt's delay beyond the quickest of the last
     * minute) before the uplink lets fewer readings out: what a live reading waits behind a draining backlog, at the
     * broker, where live-first claims cannot overtake it ({@code ReceiptPacing}). Lower costs a draining hub
     * throughput on a slow round trip; higher delays live readings, this hub's and, in a fleet, everybody's.
     * Default 100ms.
     */
    @Bindable(defaultValue = "100ms")
    Duration getReceiptQueueTarget();

    /** Interval of the status heartbeat. Default 30s. */
    @Bindable(defaultValue = "30s")
    Duration getHeartbeatInterval();

    /** First delay before reconnecting; doubles per failed attempt up to {@link #getMaxBackoff()}. Default 1s. */
    @Bindable(defaultValue = "1s")
    Duration getMinBackoff();

    /** Longest delay between reconnect attempts (jittered). Default 60s. */
    @Bindable(defaultValue = "60s")
    Duration getMaxBackoff();

    /** How long the broker keeps this gateway's session while it is away. Default 7 days. */
    @Bindable(defaultValue = "7d")
    Duration getSessionExpiry();
}
