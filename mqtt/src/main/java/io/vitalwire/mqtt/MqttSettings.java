package io.vitalwire.mqtt;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * Everything needed to connect to the broker, checked when built so that a service with an impossible value stops
 * at start-up with a message naming it. Each service maps its own configuration keys onto it; the session is always
 * persistent (clean start off), because both services rely on the broker keeping their messages while they are
 * away.
 *
 * @param brokerUrl      {@code tcp://}, {@code ssl://}, {@code ws://} or {@code wss://} with a host
 * @param clientId       the broker keeps the session under it, so it must be stable and unique per client
 * @param tls            PEM files and host name checking, for {@code ssl://} and {@code wss://}
 * @param sessionExpiry  how long the broker keeps the session, and the QoS 1 messages for it, while the client is away
 * @param keepAlive      ping interval: a dead connection is noticed after about 1.5 times this; zero turns it off
 * @param connectTimeout longest time for TCP, TLS and CONNECT to complete; at least a second (Paho counts seconds)
 * @param replyTimeout   longest wait for the broker's answer to CONNECT, SUBSCRIBE or a message whose PUBACK the
 *                       client waits for before going on
 */
public record MqttSettings(String brokerUrl, String clientId, TlsSettings tls, Duration sessionExpiry,
                           Duration keepAlive, Duration connectTimeout, Duration replyTimeout) {

    /** Both services' keep-alive: a half-open connection (NAT timeout, pulled cable) is noticed in under a minute. */
    public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(30);
    /** Paho's own default. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_REPLY_TIMEOUT = Duration.ofSeconds(15);

    private static final Set<String> SCHEMES = Set.of("tcp", "ssl", "ws", "wss");
    /** MQTT 5 encodes the keep-alive in two octets and the session expiry interval in four (all ones: never). */
    private static final long MAX_KEEP_ALIVE_SECONDS = 0xFFFFL;
    private static final long MAX_SESSION_EXPIRY_SECONDS = 0xFFFF_FFFFL;

    public MqttSettings {
        Objects.requireNonNull(tls, "tls");
        requireBrokerUrl(brokerUrl);
        if (clientId == null || clientId.isBlank()) {
            throw new IllegalArgumentException("MQTT client id is empty: the broker keeps the session under it");
        }
        requireSeconds("session expiry", sessionExpiry, 0, MAX_SESSION_EXPIRY_SECONDS);
        requireSeconds("keep-alive", keepAlive, 0, MAX_KEEP_ALIVE_SECONDS);
        // Zero would make Paho wait for ever, and the reconnect loop with it.
        requireSeconds("connect timeout", connectTimeout, 1, Integer.MAX_VALUE);
        if (replyTimeout == null || replyTimeout.isNegative() || replyTimeout.isZero()) {
            throw new IllegalArgumentException("MQTT reply timeout must be positive, is " + replyTimeout);
        }
    }

    /** The defaults above for keep-alive and timeouts. */
    public static MqttSettings of(String brokerUrl, String clientId, TlsSettings tls, Duration sessionExpiry) {
        return new MqttSettings(brokerUrl, clientId, tls, sessionExpiry, DEFAULT_KEEP_ALIVE, DEFAULT_CONNECT_TIMEOUT,
                DEFAULT_REPLY_TIMEOUT);
    }

    public MqttSettings withConnectTimeout(Duration timeout) {
        return new MqttSettings(brokerUrl, clientId, tls, sessionExpiry, keepAlive, timeout, replyTimeout);
    }

    private static void requireBrokerUrl(String url) {
        if (url == null) {
            throw new IllegalArgumentException("MQTT broker URL is missing");
        }
        try {
            URI uri = new URI(url);
            if (uri.getScheme() == null || !SCHEMES.contains(uri.getScheme())) {
                throw new IllegalArgumentException("MQTT broker URL " + url + " must start with tcp://, ssl://, "
                        + "ws:// or wss://");
            }
            // The authority, not the host: java.net.URI sees no host in a name with '_' (a container's service
            // name, say), which Paho accepts.
            if (uri.getAuthority() == null) {
                throw new IllegalArgumentException("MQTT broker URL " + url + " has no host");
            }
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("MQTT broker URL " + url + " is not a URL: " + e.getMessage(), e);
        }
    }

    private static void requireSeconds(String what, Duration value, long min, long max) {
        if (value == null || value.isNegative() || value.toSeconds() < min || value.toSeconds() > max) {
            throw new IllegalArgumentException("MQTT " + what + " must be between " + min + " and " + max
                    + " seconds, is " + value);
        }
    }
}
