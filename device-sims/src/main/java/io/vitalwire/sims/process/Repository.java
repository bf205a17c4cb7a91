package io.vitalwire.sims.process;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The repository's root, where the services' jars and the deploy scripts are: the working directory under
 * {@code deploy/dev/*.sh}, a parent of it under Maven (which runs a module's tests in the module's directory).
 */
public final class Repository {

    private Repository() {
    }

    /** The root: the working directory or the nearest parent of it that holds {@code deploy/broker/pki.sh}. */
    public static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("deploy/broker/pki.sh"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("run from the repository: deploy/broker/pki.sh not found above "
                    + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    /** A path relative to the root, e.g. {@code gateway/target/gateway.jar}. */
    public static Path file(String relative) {
        return root().resolve(relative);
    }
}
