package io.vitalwire.ingest.consume;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** The MQTT consumer ({@code vitalwire.ingest.mqtt.*}). */
@ConfigurationProperties("vitalwire.ingest.mqtt")
public interface ConsumerConfig {

    /**
     * Broker URL, {@code tcp://} or {@code ssl://} (TLS 1.3 or 1.2, with the files below). Default
     * {@code tcp://127.0.0.1:1883}.
     */
    @Bindable(defaultValue = "tcp://127.0.0.1:1883")
    String getBrokerUrl();

    /** PEM CA certificate(s) the broker's certificate must chain to. Default: none, the JVM's trusted CAs. */
    Optional<Path> getCaFile();

    /**
     * PEM client certificate for mutual TLS, leaf first. The broker's ACL knows cloud-ingest by its CN
     * ({@code cloud-ingest} in deploy/broker/acl). Default: none.
     */
    Optional<Path> getCertFile();

    /** Its private key: PEM, unencrypted PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}), mode 0600. Default: none. */
    Optional<Path> getKeyFile();

    /** Check that the broker's certificate names the host of the broker URL. Default true. */
    @Bindable(defaultValue = "true")
    boolean isHostnameVerification();

    /**
     * Client id; the broker keeps this replica's session (and its unacknowledged messages) under it, so each
     * replica needs a stable id of its own. Default {@code cloud-ingest-1}.
     */
    @Bindable(defaultValue = "cloud-ingest-1")
    String getClientId();

    /** Shared-subscription group: replicas in one group split the readings between them. Default cloud-ingest. */
    @Bindable(defaultValue = "cloud-ingest")
    String getShareGroup();

    /** How long the broker keeps the session while the replica is away. Default 1 day. */
    @Bindable(defaultValue = "1d")
    Duration getSessionExpiry();

    /**
     * Longest pause between attempts to make a message durable (only PostgreSQL failing makes that fail; FHIR and
     * InfluxDB are the inbox workers' business). Default 30s.
     */
    @Bindable(defaultValue = "30s")
    Duration getMaxRetryDelay();

    /**
     * Most readings messages committed to the inbox in one transaction (group commit, see
     * {@code GroupCommitWriter}). A group is whatever queued while the previous commit waited for its WAL flush; this
     * caps one transaction's size, and what one failed commit retries. Default 100.
     */
    @Bindable(defaultValue = "100")
    int getMaxMessagesPerCommit();

    /**
     * Messages decoded and waiting for their commit and PUBACK. When it is full, Paho's callback thread waits and
     * stops reading, and the broker holds further messages. This queue, not the broker, bounds what waits here:
     * to an MQTT 5 client Mosquitto sends as many unacknowledged messages as the client's Receive Maximum allows
     * (Paho's default, 65,535), not its {@code max_inflight_messages}. Default 200.
     */
    @Bindable(defaultValue = "200")
    int getQueueCapacity();
}
