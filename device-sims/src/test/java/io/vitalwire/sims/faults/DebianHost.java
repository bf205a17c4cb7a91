package io.vitalwire.sims.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The CI machine as a Debian host, for the tests that install the project's packages on it (root): commands,
 * {@code dpkg} waiting out another package manager's lock, the installed version of a package, the package the build
 * made and the same package rebuilt under a later version.
 */
final class DebianHost {

    private DebianHost() {
    }

    record Result(int exitCode, String output) {
    }

    static boolean isRoot() throws IOException {
        return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    }

    /** The newest {@code <name>_*_all.deb} the build wrote into {@code built}. */
    static Path builtPackage(Path built, String name) throws IOException {
        try (Stream<Path> files = Files.list(built)) {
            return files.filter(p -> p.getFileName().toString().matches(name + "_.*_all\\.deb"))
                    .max(Comparator.comparing(p -> p.toFile().lastModified()))
                    .orElseThrow(() -> new IllegalStateException("no " + name + "_*_all.deb in " + built
                            + ": the module's package phase builds it"));
        }
    }

    /**
     * The same package rebuilt under a later version, as the next release would be (dpkg-deb, uncompressed: fast),
     * written into {@code work}.
     */
    static Path rebuiltWithVersionSuffix(Path deb, String suffix, Path work) throws Exception {
        Path root = work.resolve("rebuilt" + suffix);
        run("dpkg-deb", "-R", deb.toString(), root.toString());
        Path control = root.resolve("DEBIAN").resolve("control");
        Files.writeString(control, Files.readString(control).replaceFirst("(?m)^(Version: .*)$", "$1" + suffix));
        Path rebuilt = work.resolve("upgrade" + suffix + ".deb");
        run("dpkg-deb", "-Znone", "--build", root.toString(), rebuilt.toString());
        return rebuilt;
    }

    /** The installed version, empty when not installed (or only its configuration is left). */
    static String installedVersion(String packageName) throws Exception {
        Result status = exec(List.of("dpkg-query", "-W", "-f=${db:Status-Status} ${Version}", packageName));
        return status.exitCode() == 0 && status.output().startsWith("installed ")
                ? status.output().substring("installed ".length()).strip() : "";
    }

    /** A package manager command (dpkg, apt-get), waiting while another dpkg or apt on the machine holds its lock. */
    static String packageManager(List<String> command) throws Exception {
        Instant deadline = Instant.now().plusSeconds(120);
        Result result = exec(command);
        while (result.exitCode() != 0 && result.output().contains("lock") && Instant.now().isBefore(deadline)) {
            Thread.sleep(1000);
            result = exec(command);
        }
        assertThat(result.exitCode()).as(String.join(" ", command) + ":\n" + result.output()).isZero();
        return result.output();
    }

    static void dpkg(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("dpkg"));
        command.addAll(List.of(args));
        packageManager(command);
    }

    /** Each file of a directory by name with its contents; empty when the directory does not exist. */
    static Map<String, byte[]> filesIn(Path directory) throws IOException {
        Map<String, byte[]> files = new HashMap<>();
        if (Files.isDirectory(directory)) {
            try (Stream<Path> list = Files.list(directory)) {
                for (Path file : list.toList()) {
                    files.put(file.getFileName().toString(), Files.readAllBytes(file));
                }
            }
        }
        return files;
    }

    /** What identifies a file on its file system (device and inode): the same file, not a new one of that name. */
    static Object fileKey(Path file) throws IOException {
        return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    }

    /** Runs a command that must succeed; its output (stdout and stderr). */
    static String run(String... command) throws Exception {
        Result result = exec(List.of(command));
        assertThat(result.exitCode()).as(String.join(" ", command) + ":\n" + result.output()).isZero();
        return result.output();
    }

    static Result exec(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(process.waitFor(), output);
    }
}
