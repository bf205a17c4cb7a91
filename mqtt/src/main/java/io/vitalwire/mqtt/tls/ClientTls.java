package io.vitalwire.mqtt.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * A broker client's TLS from PEM files, as operators issue them ({@code deploy/broker/README.md}): the CA
 * certificates to trust for the broker, and the client's own certificate chain and PKCS#8 private key for mutual
 * TLS. The gateway and cloud-ingest both build their connections through this class, and every file problem
 * surfaces here, at start-up, as a {@link TlsMaterialException} that names the file.
 */
public final class ClientTls {

    /** TLS 1.3, and 1.2 for brokers that lack it; nothing older, whatever the JVM's security settings allow. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    // Lives only in memory, for the JDK's KeyManagerFactory API; it protects nothing.
    private static final char[] IN_MEMORY_PASSWORD = "in-memory".toCharArray();

    private final SSLSocketFactory socketFactory;
    private final Optional<X509Certificate> clientCertificate;
    private final Optional<Path> certFile;

    private ClientTls(SSLSocketFactory socketFactory, Optional<X509Certificate> clientCertificate,
                      Optional<Path> certFile) {
        this.socketFactory = socketFactory;
        this.clientCertificate = clientCertificate;
        this.certFile = certFile;
    }

    /**
     * TLS for a broker URL, or empty for plain {@code tcp://}.
     *
     * @param caFile   PEM certificates to trust for the broker; empty: the JVM's default trusted CAs
     * @param certFile PEM client certificate chain, leaf first; with {@code keyFile}, or neither
     * @param keyFile  unencrypted PKCS#8 PEM private key of the leaf certificate
     * @throws TlsMaterialException if a file is unusable, only one of certificate and key is given, or files are
     *                              given for a plain-text URL (they would silently go unused)
     */
    public static Optional<ClientTls> forBroker(String brokerUrl, Optional<Path> caFile, Optional<Path> certFile,
                                                Optional<Path> keyFile) {
        boolean secure = brokerUrl.startsWith("ssl://") || brokerUrl.startsWith("wss://");
        if (!secure) {
            Optional<Path> unused = caFile.or(() -> certFile).or(() -> keyFile);
            if (unused.isPresent()) {
                throw new TlsMaterialException("TLS file", unused.get(),
                        "given, but the broker URL " + brokerUrl + " is not ssl:// or wss://, so it would never be used");
            }
            return Optional.empty();
        }
        if (certFile.isPresent() != keyFile.isPresent()) {
            Path given = certFile.or(() -> keyFile).orElseThrow();
            throw new TlsMaterialException(certFile.isPresent() ? "client certificate" : "client private key", given,
                    "given without its " + (certFile.isPresent() ? "private key" : "certificate") + " file");
        }
        try {
            Optional<X509Certificate> leaf = Optional.empty();
            KeyManagerFactory keys = null;
            if (certFile.isPresent()) {
                List<X509Certificate> chain = PemFiles.certificates("client certificate", certFile.get());
                PrivateKey key = PemFiles.privateKey("client private key", keyFile.get());
                requireKeyOfCertificate(key, chain.get(0), keyFile.get(), certFile.get());
                KeyStore store = emptyKeyStore();
                store.setKeyEntry("client", key, IN_MEMORY_PASSWORD, chain.toArray(X509Certificate[]::new));
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(store, IN_MEMORY_PASSWORD);
                leaf = Optional.of(chain.get(0));
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (caFile.isPresent()) {
                KeyStore store = emptyKeyStore();
                int n = 0;
                for (X509Certificate ca : PemFiles.certificates("CA certificate", caFile.get())) {
                    store.setCertificateEntry("ca-" + n++, ca);
                }
                trust.init(store);
            } else {
                trust.init((KeyStore) null);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
            return Optional.of(new ClientTls(new ProtocolLimitedSocketFactory(context.getSocketFactory(), PROTOCOLS),
                    leaf, certFile));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /** For the MQTT client's connection options: sockets offering only {@link #PROTOCOLS}. */
    public SSLSocketFactory socketFactory() {
        return socketFactory;
    }

    /** The client certificate (the chain's leaf), if there is one. */
    public Optional<X509Certificate> clientCertificate() {
        return clientCertificate;
    }

    /**
     * The CN of the client certificate: the identity the broker knows this client by
     * ({@code use_identity_as_username}), and so the name its ACL applies to.
     *
     * @throws TlsMaterialException if the certificate has no single CN
     */
    public Optional<String> commonName() {
        return clientCertificate.map(certificate -> {
            List<String> names = subject("CN");
            if (names.size() != 1) {
                throw new TlsMaterialException("client certificate", certFile.orElseThrow(),
                        "needs exactly one CN in its subject, has " + names.size());
            }
            return names.get(0);
        });
    }

    /**
     * The O of the client certificate, if it has exactly one: for a gateway, the tenant its certificate was issued
     * to ({@code deploy/broker/pki.sh}), the only tenant the broker lets it write under.
     *
     * @throws TlsMaterialException if the certificate's subject is not a readable name
     */
    public Optional<String> organization() {
        return clientCertificate.map(certificate -> subject("O")).filter(o -> o.size() == 1).map(o -> o.get(0));
    }

    /** The values of the client certificate's subject attributes of this type, e.g. CN. */
    private List<String> subject(String type) {
        try {
            return new LdapName(clientCertificate.orElseThrow().getSubjectX500Principal().getName()).getRdns()
                    .stream().filter(rdn -> rdn.getType().equalsIgnoreCase(type)).map(Rdn::getValue)
                    .map(String::valueOf).toList();
        } catch (InvalidNameException e) {
            throw new TlsMaterialException("client certificate", certFile.orElseThrow(),
                    "subject is not a readable name", e);
        }
    }

    /** A key of another certificate would only show up as a failed handshake, with no hint at the cause. */
    private static void requireKeyOfCertificate(PrivateKey key, X509Certificate certificate, Path keyFile,
                                                Path certFile) {
        try {
            String algorithm = switch (key.getAlgorithm()) {
                case "EC" -> "SHA256withECDSA";
                case "RSA" -> "SHA256withRSA";
                default -> key.getAlgorithm();
            };
            byte[] probe = "vitalwire key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            if (verifier.verify(signature)) {
                return;
            }
        } catch (GeneralSecurityException mismatch) {
            // e.g. an RSA key for an EC certificate: the same answer as a failed verification
        }
        throw new TlsMaterialException("client private key", keyFile,
                "does not belong to the first certificate in " + certFile);
    }

    private static KeyStore emptyKeyStore() throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
        return store;
    }
}
