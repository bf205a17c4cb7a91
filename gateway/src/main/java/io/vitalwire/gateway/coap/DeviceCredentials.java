package io.vitalwire.gateway.coap;

import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.privacy.SecretFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The home devices allowed to talk to this gateway over CoAP, each with its DTLS pre-shared key. A device is who its
 * key says it is: its identity comes from the DTLS handshake, never from what it writes in a payload.
 *
 * <p>File format, one device per line: {@code <psk identity> <device serial> <base64 key>}; blank lines and lines
 * starting with {@code #} are ignored. The file holds secrets: keep it mode 0600, owned by the gateway's user.
 */
public final class DeviceCredentials {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceCredentials.class);

    /** One registered device. */
    public record Device(String pskIdentity, DeviceIdentity identity, byte[] key) {
    }

    private final Map<String, Device> byIdentity;

    private DeviceCredentials(Map<String, Device> byIdentity) {
        this.byIdentity = Map.copyOf(byIdentity);
    }

    public static DeviceCredentials of(List<Device> devices) {
        Map<String, Device> map = new LinkedHashMap<>();
        devices.forEach(d -> map.put(d.pskIdentity(), d));
        return new DeviceCredentials(map);
    }

    /** Reads the file; a missing file means no device may connect yet (a new hub before provisioning). */
    public static DeviceCredentials load(Path file) {
        if (Files.notExists(file)) {
            LOG.warn("no CoAP device credentials at {}: no CoAP device can connect until it is provisioned", file);
            return new DeviceCredentials(Map.of());
        }
        SecretFile.requirePrivate("the CoAP device key file", file);
        Map<String, Device> devices = new LinkedHashMap<>();
        Map<String, Integer> lineOf = new LinkedHashMap<>();
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                Device device = parse(line, file, i + 1);
                if (devices.putIfAbsent(device.pskIdentity(), device) != null) {
                    // By line, not by identity: the message ends up in the log, and a PSK identity is an identifier.
                    throw new IllegalArgumentException(file + " line " + (i + 1) + ": the PSK identity of line "
                            + lineOf.get(device.pskIdentity()) + " again");
                }
                lineOf.put(device.pskIdentity(), i + 1);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read CoAP device credentials " + file, e);
        }
        return new DeviceCredentials(devices);
    }

    public Optional<Device> byPskIdentity(String identity) {
        return Optional.ofNullable(byIdentity.get(identity));
    }

    public java.util.Collection<Device> all() {
        return byIdentity.values();
    }

    private static Device parse(String line, Path file, int number) {
        String[] parts = line.split("\\s+");
        if (parts.length != 3) {
            throw new IllegalArgumentException(file + " line " + number
                    + ": expected '<psk identity> <device serial> <base64 key>'");
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + " line " + number + ": the key is not base64");
        }
        if (key.length < 16) {
            throw new IllegalArgumentException(file + " line " + number + ": the key must have at least 16 octets");
        }
        return new Device(parts[0], new DeviceIdentity(null, null, parts[1], null, null), key);
    }
}
