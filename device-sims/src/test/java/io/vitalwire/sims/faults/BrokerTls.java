package io.vitalwire.sims.faults;

import io.vitalwire.mqtt.tls.ClientTls;
import io.vitalwire.testing.TestPki;
import java.util.Optional;

/**
 * What a client of a test's broker connects with: mqtt's {@link ClientTls} (the services' own TLS code) from the
 * files of the test's {@link TestPki}.
 */
final class BrokerTls {

    private BrokerTls() {
    }

    /** Mutual TLS as {@code commonName} to a broker of this CA. */
    static ClientTls as(TestPki pki, String commonName) {
        return ClientTls.forBroker("ssl://127.0.0.1", Optional.of(pki.ca()), Optional.of(pki.cert(commonName)),
                Optional.of(pki.key(commonName))).orElseThrow();
    }

    /** Trusting this CA's broker, but with no certificate of one's own. */
    static ClientTls trustOnly(TestPki pki) {
        return ClientTls.forBroker("ssl://127.0.0.1", Optional.of(pki.ca()), Optional.empty(), Optional.empty())
                .orElseThrow();
    }
}
