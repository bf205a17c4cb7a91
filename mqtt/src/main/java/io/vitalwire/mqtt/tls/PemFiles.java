package io.vitalwire.mqtt.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;

/**
 * Reads PEM certificates and PKCS#8 private keys with the JDK alone. Each failure names the file and, for a key in
 * another format, the openssl command that converts it. Public for the keys that are not TLS keys: cloud-ingest's
 * SMART Backend Services signing key.
 */
public final class PemFiles {

    private static final String PKCS8_BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String PKCS8_END = "-----END PRIVATE KEY-----";
    /** The JDK's key factories that can read a PKCS#8 key, tried in turn: the encoding names its algorithm. */
    private static final List<String> KEY_ALGORITHMS = List.of("EC", "RSA", "EdDSA");

    private PemFiles() {
    }

    /** Every certificate in the file, in file order (for a chain: the leaf first). */
    static List<X509Certificate> certificates(String what, Path file) {
        byte[] pem = read(what, file);
        try {
            List<X509Certificate> certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem)).stream()
                    .map(X509Certificate.class::cast).toList();
            if (certificates.isEmpty()) {
                throw new TlsMaterialException(what, file, "no PEM certificate in it "
                        + "(expected '-----BEGIN CERTIFICATE-----')");
            }
            return certificates;
        } catch (CertificateException e) {
            throw new TlsMaterialException(what, file, "not a readable PEM certificate (" + e.getMessage() + ")", e);
        }
    }

    /**
     * The unencrypted PKCS#8 private key in the file (EC, RSA or EdDSA).
     *
     * @param what names the key in the error, e.g. "client private key"
     * @throws TlsMaterialException when the file cannot be read or holds no such key
     */
    public static PrivateKey privateKey(String what, Path file) {
        String pem = new String(read(what, file), StandardCharsets.US_ASCII);
        int begin = pem.indexOf(PKCS8_BEGIN);
        int end = pem.indexOf(PKCS8_END);
        if (begin < 0 || end < begin) {
            throw new TlsMaterialException(what, file, keyFormatProblem(pem, file));
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(pem.substring(begin + PKCS8_BEGIN.length(), end));
        } catch (IllegalArgumentException e) {
            throw new TlsMaterialException(what, file, "the PEM block is not valid base64", e);
        }
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException notThisAlgorithm) {
                // try the next one
            }
        }
        throw new TlsMaterialException(what, file, "a PKCS#8 block, but not an EC, RSA or EdDSA key this JVM reads");
    }

    private static String keyFormatProblem(String pem, Path file) {
        if (pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
            // The key has to be readable unattended at boot; its protection is the file's mode (0600).
            return "the key is encrypted; store it unencrypted, readable by the service only: "
                    + "openssl pkcs8 -in " + file + " -out <new file> (then chmod 600)";
        }
        if (pem.contains("-----BEGIN RSA PRIVATE KEY-----") || pem.contains("-----BEGIN EC PRIVATE KEY-----")) {
            return "a PKCS#1/SEC1 key; convert it to PKCS#8: openssl pkcs8 -topk8 -nocrypt -in " + file
                    + " -out <new file>";
        }
        return "no PKCS#8 PEM private key in it (expected '" + PKCS8_BEGIN + "')";
    }

    private static byte[] read(String what, Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new TlsMaterialException(what, file, "cannot be read (" + e + ")", e);
        }
    }
}
