package io.vitalwire.gateway.coap;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * The CoAP intake for Wi-Fi/Thread home devices ({@code vitalwire.gateway.coap.*}). There is only a DTLS endpoint:
 * a device proves who it is with its pre-shared key, so plain UDP, where anyone could claim to be anyone, is not
 * offered.
 */
@ConfigurationProperties("vitalwire.gateway.coap")
public interface CoapConfig {

    /** Whether to listen at all. Default true. */
    @Bindable(defaultValue = "true")
    boolean isEnabled();

    /** Address to bind. Default 127.0.0.1; a hub serving a home network binds its LAN address. */
    @Bindable(defaultValue = "127.0.0.1")
    String getBindAddress();

    /** UDP port of the DTLS endpoint. Default 5684 (CoAP over DTLS); 0 picks a free port. */
    @Bindable(defaultValue = "5684")
    int getPort();

    /**
     * The registered devices and their pre-shared keys (see DeviceCredentials for the format). Default:
     * {@code coap-devices.psk} in the gateway's data directory.
     */
    java.util.Optional<String> getPskFile();

    /** Largest SenML pack accepted, in bytes; larger ones get 4.13. Default 16384. */
    @Bindable(defaultValue = "16384")
    int getMaxPayloadBytes();

    /**
     * How often the gateway repeats a DTLS handshake flight before it gives the handshake up (the wait doubles each
     * time from one second). A registered device presenting a wrong key is counted as {@code handshake-failed} only
     * then, about 2^(n+1) s after it started. Default 4 (≈ 30 s), enough for a lossy home Wi-Fi link.
     */
    @Bindable(defaultValue = "4")
    int getHandshakeRetransmissions();

    /**
     * Most peers (devices, by address and port) the endpoint keeps state for: DTLS connections and CoAP exchanges.
     * A new peer beyond it is refused until an idle one can be dropped. Default 256, far above a home's devices.
     */
    @Bindable(defaultValue = "256")
    int getMaxPeers();

    /**
     * How many of each peer's latest confirmable requests are remembered to recognise a retransmission. Default 64;
     * the memory the intake needs is bounded by max-peers × dedup-window exchanges.
     */
    @Bindable(defaultValue = "64")
    int getDedupWindow();
}
