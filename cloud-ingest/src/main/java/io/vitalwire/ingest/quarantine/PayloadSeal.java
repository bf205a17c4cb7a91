package io.vitalwire.ingest.quarantine;

import io.micronaut.context.annotation.Context;
import io.vitalwire.ingest.secrets.Aead;
import io.vitalwire.ingest.secrets.AtRestKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Encrypts quarantined payloads for PostgreSQL and decrypts them for review and replay: AES-256-GCM ({@link Aead})
 * under the quarantine's key, the entry's column, topic and reading key as associated data (a payload copied onto
 * another entry does not open). Each entry stores the id of the key that sealed it, so keys rotate: new entries are
 * sealed with the current key, older ones open with a retired key until the retention purges them.
 *
 * <p>The current key is loaded (or generated) at start-up, so that a missing, malformed or shared key file stops
 * the service at once rather than at the first refused reading.
 */
@Context
public class PayloadSeal {

    static final AtRestKey.Purpose PURPOSE = new AtRestKey.Purpose("quarantine payload key",
            "vitalwire.ingest.quarantine.key", "vitalwire quarantine payload key id");

    private final AtRestKey current;
    private final Map<String, AtRestKey> keys = new LinkedHashMap<>();

    public PayloadSeal(QuarantineConfig config) {
        this(AtRestKey.load(PURPOSE, config.getKey(), config.getKeyFile()), config);
    }

    private PayloadSeal(AtRestKey current, QuarantineConfig config) {
        this.current = current;
        keys.put(current.id(), current);
        for (Path retired : config.getRetiredKeyFiles()) {
            AtRestKey k = AtRestKey.read(PURPOSE, retired);
            keys.putIfAbsent(k.id(), k);
        }
    }

    /** A payload as stored: the id of the key that sealed it, and nonce ‖ ciphertext ‖ tag. */
    public record Sealed(String keyId, byte[] data) {
    }

    /** Where a payload belongs: binds it to its entry. */
    record Place(String column, String topic, String readingKey) {
        byte[] associatedData() {
            return ("vitalwire quarantine|" + column + "|" + topic + "|" + Optional.ofNullable(readingKey).orElse(""))
                    .getBytes(StandardCharsets.UTF_8);
        }
    }

    /** The id new entries are sealed under. */
    String currentKeyId() {
        return current.id();
    }

    byte[] seal(Place place, byte[] payload) {
        return payload == null ? null : Aead.seal(current, payload, place.associatedData());
    }

    /**
     * The payload of an entry; {@code keyId} null means it was stored before encryption (V16) and not sealed yet.
     *
     * @throws IllegalStateException when no key of this replica has that id, or the payload does not decrypt; names
     *                               the key id, never content
     */
    byte[] open(String keyId, Place place, byte[] stored) {
        if (stored == null || keyId == null) {
            return stored;
        }
        AtRestKey k = keys.get(keyId);
        if (k == null) {
            throw new IllegalStateException("a quarantine entry was sealed with key " + keyId + ", which this replica "
                    + "lacks (current " + current.id() + " from " + current.source() + "); add it to "
                    + "vitalwire.ingest.quarantine.retired-key-files");
        }
        try {
            return Aead.open(k, stored, place.associatedData());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("a quarantine entry's " + place.column() + " does not decrypt under key "
                    + keyId + " (" + e.getClass().getSimpleName() + ")");
        }
    }
}
