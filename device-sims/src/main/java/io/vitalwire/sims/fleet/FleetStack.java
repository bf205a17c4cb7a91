package io.vitalwire.sims.fleet;

import java.net.URI;
import java.nio.file.Path;

/**
 * Where the dev stack's services are ({@code eval "$(deploy/dev/stack.sh env)"}): the broker's mutual TLS listener,
 * the PKI it trusts, the FHIR server, and the stack's state directory, where the fleet keeps what it registered.
 */
record FleetStack(URI broker, Path pki, URI fhir, Path stateDir, Path repository) {

    static FleetStack fromEnvironment() {
        Path pki = Path.of(required("VW_MQTT_PKI"));
        // <state>/mosquitto/pki: the stack's layout (stack.sh svc_dir).
        Path state = pki.toAbsolutePath().getParent().getParent();
        return new FleetStack(URI.create(required("VW_MQTTS_URL")), pki, URI.create(required("VW_FHIR_URL")), state,
                FleetCertificates.repository());
    }

    private static String required(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(name + " is not set: run `eval \"$(deploy/dev/stack.sh env)\"` first");
        }
        return value;
    }
}
