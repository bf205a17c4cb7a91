package io.vitalwire.gateway.remote;

import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.ContractViolation;
import io.vitalwire.contract.GatewayConfig;
import io.vitalwire.contract.Topic;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configuration from the cloud (contract 1.2, the retained {@code config} channel) this gateway applied last,
 * and the one place that applies a new one:
 * <ol>
 *   <li>decoded and checked by the contract's codec, then by every {@link ConfigCheck} (the BLE allow-list's own
 *       parsing): an invalid one is refused as a whole and reported ({@link ConfigRefusals}), the last good one
 *       stays;</li>
 *   <li>a version not newer than the applied one is ignored (the broker delivers the retained copy again on every
 *       subscribe; an old one replayed must never win);</li>
 *   <li>written to {@value #FILE} in the data directory as the last good one — a temporary file, fsync, an atomic
 *       rename, fsync of the directory — before anything uses it, so a crash leaves the old or the new file, never
 *       half of one;</li>
 *   <li>swapped in as a whole and handed to the parts that follow it ({@link #onApplied}).</li>
 * </ol>
 * At start-up the last good one is loaded from disk; a gateway that never applied one runs on its local
 * configuration (application.yml), which stays the fallback for every setting the document leaves out.
 */
@Singleton
public class RemoteConfig {

    /** The last good configuration, in the data directory. */
    public static final String FILE = "remote-config.json";
    /** The contract (or the topic's gateway) refused it. */
    public static final String INVALID_CONFIG = "invalid-config";
    /** A part of the gateway could not use it: a {@link ConfigCheck} refused it. */
    public static final String INVALID_ALLOW_LIST = "invalid-allow-list";
    /** It could not be written to disk, so it is not applied: it would not survive a restart. */
    public static final String NOT_PERSISTED = "not-persisted";

    private static final Logger LOG = LoggerFactory.getLogger(RemoteConfig.class);

    /** What became of an offered configuration. */
    public enum Outcome {
        APPLIED, NOT_NEWER, REFUSED,
        /** An empty payload: the broker deleting the retained copy; nothing applied, nothing refused. */
        WITHDRAWN
    }

    private final String gatewayId;
    private final Path file;
    private final ConfigRefusals refusals;
    private final List<ConfigCheck> checks;
    private final ContractCodec codec = new ContractCodec();
    private final List<Consumer<GatewayConfig>> followers = new CopyOnWriteArrayList<>();
    private volatile GatewayConfig applied;

    @Inject
    public RemoteConfig(io.vitalwire.gateway.identity.GatewayConfig gateway, ConfigRefusals refusals,
                        List<ConfigCheck> checks) {
        this(gateway.getId(), gateway.getDataDir().resolve(FILE), refusals, checks);
    }

    public RemoteConfig(String gatewayId, Path file, ConfigRefusals refusals, List<ConfigCheck> checks) {
        this.gatewayId = gatewayId;
        this.file = file;
        this.refusals = refusals;
        this.checks = List.copyOf(checks);
        this.applied = loadLastGood();
    }

    /** The configuration applied last, or empty: the gateway runs on its local configuration. */
    public Optional<GatewayConfig> applied() {
        return Optional.ofNullable(applied);
    }

    /** The applied version, for the status heartbeat; null while none was ever applied. */
    public Long appliedVersion() {
        GatewayConfig current = applied;
        return current == null ? null : current.version();
    }

    /**
     * Hands every configuration applied from now on to {@code follower}, on the thread that applied it; a follower
     * reads {@link #applied()} for the one in force when it starts.
     */
    public void onApplied(Consumer<GatewayConfig> follower) {
        followers.add(follower);
    }

    /** A payload that arrived on this gateway's config topic (on the MQTT client's thread). */
    public synchronized Outcome offer(Topic topic, byte[] payload) {
        if (payload.length == 0) {
            // The broker deleting the retained copy (the cloud withdrew it, e.g. after moving this hub to another
            // tenant): nothing to apply or to refuse; the last good one stays.
            return Outcome.WITHDRAWN;
        }
        GatewayConfig config;
        try {
            config = (GatewayConfig) codec.decode(topic, payload);
        } catch (ContractViolation | ClassCastException e) {
            LOG.warn("a configuration from the cloud breaks the contract and is refused ({}); the last good one "
                    + "stays", e instanceof ContractViolation v ? v.reason() : "not a configuration");
            refusals.refused(readableVersion(payload), INVALID_CONFIG);
            return Outcome.REFUSED;
        }
        GatewayConfig current = applied;
        if (current != null && config.version() <= current.version()) {
            return Outcome.NOT_NEWER;
        }
        try {
            checks.forEach(c -> c.check(config));
        } catch (IllegalArgumentException e) {
            // The message names entries by position, never by identifier.
            LOG.warn("configuration version {} from the cloud is refused: {}; the last good one stays",
                    config.version(), e.getMessage());
            refusals.refused(config.version(), INVALID_ALLOW_LIST);
            return Outcome.REFUSED;
        }
        try {
            persist(codec.encode(config));
        } catch (IOException e) {
            LOG.error("configuration version {} from the cloud could not be written to {} ({}); not applied, the "
                    + "last good one stays", config.version(), file, e.getMessage());
            refusals.refused(config.version(), NOT_PERSISTED);
            return Outcome.REFUSED;
        }
        applied = config;
        LOG.info("configuration version {} from the cloud applied", config.version());
        for (Consumer<GatewayConfig> follower : followers) {
            follower.accept(config);
        }
        return Outcome.APPLIED;
    }

    /** Temporary file, fsync, atomic rename over the last good one, fsync of the directory. */
    private void persist(byte[] document) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, FILE, ".tmp");
        try {
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer bytes = ByteBuffer.wrap(document);
                while (bytes.hasRemaining()) {
                    out.write(bytes);
                }
                out.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
        // The rename is durable only once the directory entry is.
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true);
        }
    }

    private GatewayConfig loadLastGood() {
        if (!Files.exists(file)) {
            return null;
        }
        try {
            GatewayConfig config = codec.decode(Files.readAllBytes(file), GatewayConfig.class);
            if (!config.gatewayId().equals(gatewayId)) {
                LOG.warn("the last good configuration in {} is another gateway's; running on the local one", file);
                return null;
            }
            checks.forEach(c -> c.check(config));
            LOG.info("configuration version {} from the cloud loaded from {}", config.version(), file);
            return config;
        } catch (IOException | ContractViolation | IllegalArgumentException e) {
            // Only this class writes the file, atomically; a bad one was put there by hand, or by another build.
            LOG.warn("the last good configuration in {} cannot be used ({}); running on the local one until the "
                    + "cloud's arrives", file, e.getMessage());
            return null;
        }
    }

    /** The version of a refused payload, if its JSON has one: what the cloud needs to find the document. */
    private static Long readableVersion(byte[] payload) {
        try {
            var version = new com.fasterxml.jackson.databind.ObjectMapper().readTree(payload).get("version");
            return version != null && version.canConvertToLong() && version.asLong() > 0 ? version.asLong() : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
