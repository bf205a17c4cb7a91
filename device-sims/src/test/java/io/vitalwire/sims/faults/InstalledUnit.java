package io.vitalwire.sims.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The [Service] settings of an installed systemd unit that decide how its process runs, read as systemd reads them:
 * the unit file, then its drop-ins ({@code /etc/systemd/system/<unit>.d/*.conf}) in name order, continuation lines
 * joined. Only what the project's units use; a test that starts the unit's process without systemd (no PID 1 on the
 * CI machine) uses it to start exactly what systemd would.
 *
 * @param execStart   the command line, split on white space (the unit quotes nothing)
 * @param credentials      {@code LoadCredentialEncrypted=} id to encrypted file, in order
 * @param noNewPrivileges  {@code NoNewPrivileges=true}
 * @param noCapabilities   {@code CapabilityBoundingSet=} empty: the process may never gain a capability
 */
record InstalledUnit(List<String> execStart, String user, String group, List<String> supplementaryGroups,
                     String umask, Map<String, String> environment, Map<String, Path> credentials,
                     String stateDirectory, boolean noNewPrivileges, boolean noCapabilities) {

    static InstalledUnit read(Path unitFile, Path dropInDirectory) throws IOException {
        List<String> lines = new ArrayList<>(logicalLines(unitFile));
        if (Files.isDirectory(dropInDirectory)) {
            try (Stream<Path> dropIns = Files.list(dropInDirectory)) {
                for (Path dropIn : dropIns.filter(p -> p.toString().endsWith(".conf")).sorted().toList()) {
                    lines.addAll(logicalLines(dropIn));
                }
            }
        }
        List<String> execStart = List.of();
        String user = "root";
        String group = null;
        List<String> groups = new ArrayList<>();
        String umask = "0022";
        Map<String, String> environment = new LinkedHashMap<>();
        Map<String, Path> credentials = new LinkedHashMap<>();
        String stateDirectory = null;
        boolean noNewPrivileges = false;
        boolean noCapabilities = false;
        for (String line : lines) {
            int eq = line.indexOf('=');
            if (eq < 0 || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            String key = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            switch (key) {
                case "ExecStart" -> execStart = List.of(value.replaceFirst("^[-@:+!]+", "").split("\\s+"));
                case "User" -> user = value;
                case "Group" -> group = value;
                case "SupplementaryGroups" -> groups.addAll(List.of(value.split("\\s+")));
                case "UMask" -> umask = value;
                case "StateDirectory" -> stateDirectory = value;
                case "NoNewPrivileges" -> noNewPrivileges = value.equals("true") || value.equals("yes");
                case "CapabilityBoundingSet" -> noCapabilities = value.isEmpty();
                case "Environment" -> {
                    for (String assignment : value.split("\\s+")) {
                        int at = assignment.indexOf('=');
                        environment.put(assignment.substring(0, at), specifiers(assignment.substring(at + 1)));
                    }
                }
                case "EnvironmentFile" -> environment.putAll(environmentFile(value, unitFile));
                case "LoadCredentialEncrypted" -> {
                    int colon = value.indexOf(':');
                    credentials.put(value.substring(0, colon), Path.of(value.substring(colon + 1)));
                }
                case "WorkingDirectory", "RootDirectory", "LoadCredential", "SetCredential" ->
                        throw new IllegalStateException(key + "= in " + unitFile + ": not emulated by this test");
                default -> {
                    // hardening and restart settings: systemd's business, not the process's start
                }
            }
        }
        if (execStart.isEmpty()) {
            throw new IllegalStateException("no ExecStart= in " + unitFile);
        }
        return new InstalledUnit(execStart, user, group == null ? user : group, List.copyOf(groups), umask,
                Map.copyOf(environment), credentials, stateDirectory, noNewPrivileges, noCapabilities);
    }

    /**
     * {@code EnvironmentFile=}: {@code KEY=VALUE} lines, {@code #} comments; a leading {@code -} makes a missing file
     * no error. Values are taken as written (the files here quote nothing).
     */
    private static Map<String, String> environmentFile(String value, Path unitFile) throws IOException {
        boolean optional = value.startsWith("-");
        Path file = Path.of(optional ? value.substring(1) : value);
        if (!Files.exists(file)) {
            if (optional) {
                return Map.of();
            }
            throw new IllegalStateException("EnvironmentFile " + file + " of " + unitFile + " is missing");
        }
        Map<String, String> variables = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            String assignment = line.strip();
            int at = assignment.indexOf('=');
            if (!assignment.isEmpty() && !assignment.startsWith("#") && at > 0) {
                variables.put(assignment.substring(0, at).strip(), assignment.substring(at + 1).strip());
            }
        }
        return variables;
    }

    /** The one specifier the units use: {@code %H}, the host name. */
    private static String specifiers(String value) throws IOException {
        return value.contains("%H")
                ? value.replace("%H", Files.readString(Path.of("/proc/sys/kernel/hostname")).strip()) : value;
    }

    private static List<String> logicalLines(Path file) throws IOException {
        List<String> joined = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String raw : Files.readAllLines(file)) {
            String line = raw.strip();
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
            } else {
                joined.add(current.append(line).toString());
                current.setLength(0);
            }
        }
        return joined;
    }
}
