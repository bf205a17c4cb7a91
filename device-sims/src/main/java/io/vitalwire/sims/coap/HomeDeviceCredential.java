package io.vitalwire.sims.coap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A simulated home device's DTLS pre-shared key, as an installer provisions it on both sides: in the device, and in
 * the gateway's credentials file ({@code <psk identity> <serial> <base64 key>}, the identity being the serial).
 */
public record HomeDeviceCredential(HomeDeviceKind kind, String serial, byte[] key) {

    private static final SecureRandom RANDOM = new SecureRandom();

    public static HomeDeviceCredential generate(HomeDeviceKind kind, String serial) {
        byte[] key = new byte[16];
        RANDOM.nextBytes(key);
        return new HomeDeviceCredential(kind, serial, key);
    }

    /** Writes the gateway's credentials file for these devices, readable by its owner only. */
    public static void writeGatewayFile(Path file, List<HomeDeviceCredential> devices) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("# <psk identity> <device serial> <base64 key> <- written by device-sims; kind noted per line");
        for (HomeDeviceCredential d : devices) {
            lines.add("# " + d.kind());
            lines.add(d.serial() + " " + d.serial() + " " + Base64.getEncoder().encodeToString(d.key()));
        }
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    /** Reads back a file written by {@link #writeGatewayFile}. */
    public static List<HomeDeviceCredential> readGatewayFile(Path file) throws IOException {
        List<HomeDeviceCredential> devices = new ArrayList<>();
        HomeDeviceKind kind = null;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.startsWith("# ") && !line.contains("<")) {
                kind = HomeDeviceKind.valueOf(line.substring(2).strip());
            } else if (!line.isBlank() && !line.startsWith("#")) {
                String[] parts = line.split("\\s+");
                devices.add(new HomeDeviceCredential(kind, parts[1], Base64.getDecoder().decode(parts[2])));
            }
        }
        return devices;
    }
}
