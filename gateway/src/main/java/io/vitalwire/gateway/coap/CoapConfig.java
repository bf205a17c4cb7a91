package io.vitalwire.gateway.coap;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/** The CoAP intake for Wi-Fi/Thread home devices ({@code vitalwire.gateway.coap.*}). */
@ConfigurationProperties("vitalwire.gateway.coap")
public interface CoapConfig {

    /** Whether to listen at all. Default true. */
    @Bindable(defaultValue = "true")
    boolean isEnabled();

    /** Address to bind. Default 127.0.0.1; a hub serving a home network binds its LAN address. */
    @Bindable(defaultValue = "127.0.0.1")
    String getBindAddress();

    /** UDP port. Default 5683 (CoAP); 0 picks a free port. */
    @Bindable(defaultValue = "5683")
    int getPort();

    /** Largest SenML pack accepted, in bytes; larger ones get 4.13. Default 16384. */
    @Bindable(defaultValue = "16384")
    int getMaxPayloadBytes();
}
