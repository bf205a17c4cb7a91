package io.vitalwire.gateway.coap;

import io.vitalwire.gateway.status.AdapterStatus;
import jakarta.inject.Singleton;
import java.util.Optional;

/** The CoAP/DTLS endpoint for the heartbeat: {@code listening} while it is up, {@code disabled} when turned off. */
@Singleton
class CoapAdapterStatus implements AdapterStatus {

    private final Optional<CoapIntake> intake;

    CoapAdapterStatus(Optional<CoapIntake> intake) {
        this.intake = intake;
    }

    @Override
    public String name() {
        return "coap";
    }

    @Override
    public String state() {
        return intake.isPresent() ? "listening" : "disabled";
    }
}
