package io.vitalwire.mqtt;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The PEM files of a broker connection and how strictly to check the broker. Used only for {@code ssl://} and
 * {@code wss://} URLs; files given for a plain URL are refused (by {@link io.vitalwire.mqtt.tls.ClientTls}) rather
 * than silently ignored.
 *
 * @param caFile               CA certificate(s) the broker's certificate must chain to; empty: the JVM's trusted CAs
 * @param certFile             the client's certificate chain for mutual TLS, leaf first; with {@code keyFile}
 * @param keyFile              its unencrypted PKCS#8 private key
 * @param hostnameVerification whether the broker's certificate must name the broker URL's host: without it anyone
 *                             holding a certificate of the same CA can pose as the broker
 */
public record TlsSettings(Optional<Path> caFile, Optional<Path> certFile, Optional<Path> keyFile,
                          boolean hostnameVerification) {

    /** No files, host names checked: plain {@code tcp://}, or TLS trusting the JVM's CAs with no client certificate. */
    public static final TlsSettings NONE = new TlsSettings(Optional.empty(), Optional.empty(), Optional.empty(), true);

    public TlsSettings {
        Objects.requireNonNull(caFile, "caFile");
        Objects.requireNonNull(certFile, "certFile");
        Objects.requireNonNull(keyFile, "keyFile");
    }
}
