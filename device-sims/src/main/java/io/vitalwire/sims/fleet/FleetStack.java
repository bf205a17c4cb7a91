package io.vitalwire.sims.fleet;

import io.vitalwire.sims.process.Repository;
import java.net.URI;
import java.nio.file.Path;

/**
 * Where the dev stack's services are: from the environment {@code deploy/dev/stack.sh env} prints, with that
 * script's defaults where a variable is unset (as the tests' StackSettings does): the broker's mutual TLS listener,
 * the PKI it trusts, the FHIR server, the dev token key of cloud-ingest's admin API, and the stack's state directory,
 * where the fleet keeps what it registered.
 */
record FleetStack(URI broker, Path pki, URI fhir, Path stateDir, Path adminJwks, Path adminKey, String adminIssuer,
                  Path repository) {

    static FleetStack fromEnvironment() {
        Path state = Path.of(env("VITALWIRE_STACK_DIR", "/var/tmp/vitalwire-dev"));
        Path pki = Path.of(env("VW_MQTT_PKI", state.resolve("mosquitto/pki").toString()));
        return new FleetStack(URI.create(env("VW_MQTTS_URL", "ssl://127.0.0.1:18883")), pki,
                URI.create(env("VW_FHIR_URL", "http://127.0.0.1:18080/fhir")), state,
                Path.of(env("VW_ADMIN_JWKS", state.resolve("admin-auth/jwks.json").toString())),
                Path.of(env("VW_ADMIN_DEV_KEY", state.resolve("admin-auth/dev-signing.key").toString())),
                env("VW_ADMIN_ISSUER", "https://vitalwire.invalid/dev-issuer"), Repository.root());
    }

    /** The same stack with the hubs and cloud-ingest on another broker (a benchmark's own, {@link FleetBroker}). */
    FleetStack withBroker(URI url) {
        return new FleetStack(url, pki, fhir, stateDir, adminJwks, adminKey, adminIssuer, repository);
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
