package io.vitalwire.gateway.uplink;

import io.vitalwire.mqtt.tls.ClientTls;
import io.vitalwire.mqtt.tls.TlsMaterialException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the uplink requires of its TLS beyond usable files ({@link io.vitalwire.mqtt.MqttConnector} loads those), at
 * start-up, so that a certificate for another gateway stops the gateway there with a message naming it instead of
 * failing every connection attempt in the background.
 */
final class UplinkTls {

    private static final Logger LOG = LoggerFactory.getLogger(UplinkTls.class);
    /** Long enough for an operator to issue and install a new certificate before the broker refuses the old one. */
    private static final Duration EXPIRY_WARNING = Duration.ofDays(30);

    private UplinkTls() {
    }

    /**
     * @param tls the connection's TLS, empty for {@code tcp://}
     * @throws TlsMaterialException if the client certificate's CN is not the gateway id, or its O (the tenant it was
     *                              issued to) is not the gateway's tenant
     */
    static void check(Optional<ClientTls> tls, UplinkConfig config, String gatewayId, String tenant, Clock clock) {
        tls.flatMap(ClientTls::commonName).filter(cn -> !cn.equals(gatewayId)).ifPresent(cn -> {
            throw new TlsMaterialException("client certificate", config.getCertFile().orElseThrow(),
                    "is for CN=" + cn + ", but vitalwire.gateway.id is " + gatewayId + ": the broker knows this "
                            + "gateway by its certificate's CN and lets it write only below that id's topics");
        });
        // A certificate without an O comes from another CA than pki.sh's; the broker's ACL has the last word then.
        tls.flatMap(ClientTls::organization).filter(o -> !o.equals(tenant)).ifPresent(o -> {
            throw new TlsMaterialException("client certificate", config.getCertFile().orElseThrow(),
                    "was issued to tenant O=" + o + ", but vitalwire.gateway.tenant is " + tenant + ": the broker "
                            + "lets this gateway write only under the tenant its certificate was issued to");
        });
        tls.flatMap(ClientTls::clientCertificate).ifPresent(c -> warnIfExpiring(c, config, clock.instant()));
        if (tls.isPresent() && config.getCertFile().isEmpty()) {
            LOG.warn("uplink TLS without a client certificate: a broker that requires one (require_certificate) "
                    + "refuses this gateway; set vitalwire.gateway.uplink.cert-file and key-file");
        }
    }

    // Not fatal: the gateway must keep taking readings into its buffer while an operator renews the certificate.
    private static void warnIfExpiring(X509Certificate certificate, UplinkConfig config, Instant now) {
        Instant notAfter = certificate.getNotAfter().toInstant();
        if (notAfter.isBefore(now)) {
            LOG.error("the uplink's client certificate {} expired at {}: the broker will refuse it, readings stay "
                    + "in the buffer until it is renewed", config.getCertFile().orElseThrow(), notAfter);
        } else if (notAfter.isBefore(now.plus(EXPIRY_WARNING))) {
            LOG.warn("the uplink's client certificate {} expires at {}; renew it", config.getCertFile().orElseThrow(),
                    notAfter);
        }
    }
}
