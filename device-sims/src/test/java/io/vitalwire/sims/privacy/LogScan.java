package io.vitalwire.sims.privacy;

import io.vitalwire.sims.bluez.SimDeviceKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Searches the logs a test run wrote for what must never be in a log (issue 14, point 7): known secrets (the dev
 * PKI's and the admin dev key's private key bodies, the simulators' PSKs, webhook secrets, JWTs), the simulated
 * devices' serials and addresses in every form, the tests' patients' names, and values the end-to-end tests send. A
 * finding names the file, the line and what kind of thing is there — never the thing itself, so that the report of a
 * leak does not leak it again.
 */
final class LogScan {

    /** Values the end-to-end tests send that no timestamp, port or id contains by chance. */
    static final List<String> SENT_VALUES = List.of("40.13", "71.93", "68.47");
    /** The FHIR provisioning's patient names and ids in the tests and the demo's scenarios. */
    static final List<String> PATIENT_NAMES = List.of("Marchbanks", "Ottoline", "Quillfeather", "demo-home-1", "Rivera",
            "Brandt", "Whitfield");
    /** A PEM body line or a PSK: long enough that no log line holds it by chance. */
    private static final int MIN_SECRET_LENGTH = 20;
    private static final PathMatcher REPORT_OUTPUT = FileSystems.getDefault()
            .getPathMatcher("glob:**/target/{surefire,failsafe}-reports/*-output.txt");

    private LogScan() {
    }

    /** Something that must not appear: {@code what} is printed, the pattern never. */
    record Needle(String what, Pattern pattern) {

        static Needle literal(String what, String text) {
            return new Needle(what, Pattern.compile(Pattern.quote(text)));
        }

        /** A value: not inside a longer number (a timestamp's 17:40:13.330 is not 40.13). */
        static Needle value(String what, String value) {
            return new Needle(what, Pattern.compile("(?<![0-9.])" + Pattern.quote(value) + "(?![0-9])"));
        }
    }

    /** Where a needle was found. */
    record Finding(Path file, int line, String what) {
        @Override
        public String toString() {
            return file + ":" + line + ": " + what;
        }
    }

    /**
     * The logs of a test run: Surefire's and Failsafe's captured output of every module under {@code repo}, the
     * services the end-to-end tests started ({@code target/e2e-logs}), the build's own logs ({@code target/*.log}),
     * and the dev stack's service and demo logs under {@code stackDir}.
     */
    static List<Path> logs(Path repo, Optional<Path> stackDir) {
        List<Path> logs = new ArrayList<>();
        try (Stream<Path> files = Files.walk(repo, 6)) {
            files.filter(Files::isRegularFile).filter(f -> REPORT_OUTPUT.matches(f)
                    || f.toString().contains("/target/e2e-logs/") && f.toString().endsWith(".log")
                    || f.getParent().endsWith("target") && f.toString().endsWith(".log")).forEach(logs::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        stackDir.filter(Files::isDirectory).ifPresent(dir -> {
            try (Stream<Path> files = Files.walk(dir, 2)) {
                files.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(".log")).forEach(logs::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return logs;
    }

    /**
     * What must not be in a log: the secrets of the files under {@code secretDirs} (every private key's PEM body
     * line, every PSK of a {@code coap-devices.psk}), any JWT or webhook secret, the simulated devices' addresses in
     * every form and serials, the tests' patients and the values they send.
     */
    static List<Needle> needles(List<Path> secretDirs) {
        List<Needle> needles = new ArrayList<>();
        for (Path dir : secretDirs) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(dir, 4)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    needles.addAll(secretsIn(file));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        needles.add(new Needle("a JWT", Pattern.compile("eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.")));
        needles.add(new Needle("a webhook secret", Pattern.compile("whsec_[A-Za-z0-9+/=]{16,}")));
        for (SimDeviceKind kind : SimDeviceKind.values()) {
            String address = kind.address();
            for (String form : List.of(address, address.replace(":", "_"), address.replace(":", "-"),
                    address.replace(":", "~3A"))) {
                needles.add(new Needle("the BLE address of the simulated " + kind,
                        Pattern.compile(Pattern.quote(form), Pattern.CASE_INSENSITIVE)));
            }
            needles.add(Needle.literal("the serial of the simulated " + kind, kind.serial()));
        }
        PATIENT_NAMES.forEach(name -> needles.add(Needle.literal("a test patient's name or id", name)));
        SENT_VALUES.forEach(value -> needles.add(Needle.value("a value the end-to-end tests send", value)));
        return needles;
    }

    /** Every needle found in every file, with file and line. */
    static List<Finding> scan(List<Path> files, List<Needle> needles) {
        List<Finding> findings = new ArrayList<>();
        for (Path file : files) {
            List<String> lines = lines(file);
            for (int i = 0; i < lines.size(); i++) {
                for (Needle needle : needles) {
                    Matcher m = needle.pattern().matcher(lines.get(i));
                    if (m.find()) {
                        findings.add(new Finding(file, i + 1, needle.what()));
                    }
                }
            }
        }
        return findings;
    }

    private static List<Needle> secretsIn(Path file) throws IOException {
        String name = file.getFileName().toString();
        if (Files.size(file) > 1 << 20) {
            return List.of();
        }
        String text = Files.readString(file, StandardCharsets.ISO_8859_1);
        List<Needle> needles = new ArrayList<>();
        if (text.contains("PRIVATE KEY-----")) {
            boolean body = false;
            for (String line : text.lines().toList()) {
                if (line.startsWith("-----BEGIN") && line.contains("PRIVATE KEY")) {
                    body = true;
                } else if (line.startsWith("-----END")) {
                    body = false;
                } else if (body && line.strip().length() >= MIN_SECRET_LENGTH) {
                    needles.add(Needle.literal("a line of the private key " + file, line.strip()));
                }
            }
        } else if (name.endsWith(".psk")) {
            for (String line : text.lines().toList()) {
                String[] parts = line.strip().split("\\s+");
                if (!line.startsWith("#") && parts.length == 3 && parts[2].length() >= MIN_SECRET_LENGTH) {
                    needles.add(Needle.literal("a PSK of " + file, parts[2]));
                }
            }
        } else if (name.toLowerCase(Locale.ROOT).endsWith(".key")) {
            String key = text.strip();
            if (key.length() >= MIN_SECRET_LENGTH && !key.contains("\n")) {
                needles.add(Needle.literal("the key in " + file, key));
            }
        }
        return needles;
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
