package io.vitalwire.sims.faults;

import static io.vitalwire.sims.faults.DebianHost.run;

import io.vitalwire.sims.process.ServiceProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An installed unit's process as systemd would start it, for the package tests on the CI machine (systemd is not PID 1
 * there): its exact {@code ExecStart=} as its user and groups ({@code setpriv}), with its umask, no new privileges and
 * no capabilities where the unit says so, its environment (its {@code EnvironmentFile=} and {@code Environment=}) and
 * {@code $CREDENTIALS_DIRECTORY} holding its credentials decrypted (owned by the user, 0400, as systemd makes them),
 * in {@code /}.
 */
final class UnitProcess {

    private UnitProcess() {
    }

    /**
     * @param healthPort where the process answers {@code /health}
     * @param decrypted  where to decrypt the unit's credentials, as systemd would into {@code /run/credentials/<unit>}
     */
    static ServiceProcess start(InstalledUnit unit, String name, int healthPort, Path decrypted) throws Exception {
        Map<String, String> environment = new HashMap<>(Map.of(
                "PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "USER", unit.user(), "LOGNAME", unit.user(), "HOME", "/nonexistent", "SHELL", "/usr/sbin/nologin"));
        if (unit.stateDirectory() != null) {
            environment.put("STATE_DIRECTORY", "/var/lib/" + unit.stateDirectory());
        }
        environment.putAll(unit.environment());
        if (!unit.credentials().isEmpty()) {
            environment.put("CREDENTIALS_DIRECTORY", decrypt(unit, decrypted).toString());
        }
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", "umask " + unit.umask() + " && exec \"$@\"",
                "sh", "setpriv", "--reuid=" + unit.user(), "--regid=" + unit.group()));
        command.add(unit.supplementaryGroups().isEmpty() ? "--clear-groups"
                : "--groups=" + String.join(",", unit.supplementaryGroups()));
        if (unit.noNewPrivileges()) {
            command.add("--no-new-privs");
        }
        if (unit.noCapabilities()) {
            command.addAll(List.of("--inh-caps=-all", "--bounding-set=-all"));
        }
        command.add("--");
        command.addAll(unit.execStart());
        return ServiceProcess.startExactly(name, command, environment, Path.of("/"), healthPort,
                Path.of("target", "e2e-logs"));
    }

    /** A private directory of the service's user holding its credentials, decrypted by {@code systemd-creds}. */
    private static Path decrypt(InstalledUnit unit, Path directory) throws Exception {
        run("rm", "-rf", directory.toString());
        run("install", "-d", "-m", "0700", directory.toString());
        for (Map.Entry<String, Path> credential : unit.credentials().entrySet()) {
            Path file = directory.resolve(credential.getKey());
            run("systemd-creds", "decrypt", "--quiet", "--name=" + credential.getKey(),
                    credential.getValue().toString(), file.toString());
            run("chmod", "0400", file.toString());
            run("chown", unit.user() + ":", file.toString());
        }
        run("chmod", "0500", directory.toString());
        run("chown", unit.user() + ":", directory.toString());
        return directory;
    }
}
