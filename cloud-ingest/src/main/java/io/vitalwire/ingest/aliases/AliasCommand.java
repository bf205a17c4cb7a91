package io.vitalwire.ingest.aliases;

import io.vitalwire.privacy.AliasLookup;
import io.vitalwire.privacy.DeviceAliases;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code cloud-ingest alias [--key-file FILE] <device>…}: for operators following a device through cloud-ingest's
 * logs, which name it only by its alias. Prints {@code <alias> <device>} per device; a device is a device id as the
 * admin API shows it ({@code sn.…}, {@code bd.…}), a BLE address or a serial. Reads the key cloud-ingest uses: by
 * default {@code $VITALWIRE_INGEST_ALIASES_KEY_FILE}, else {@value AliasConfig#DEFAULT_KEY_FILE}; never creates one.
 * Aliases in a gateway's log are under that gateway's key: look them up with {@code gateway.jar alias} on its hub.
 */
public final class AliasCommand {

    private static final String USAGE = "usage: cloud-ingest alias [--key-file FILE] <device id | BLE address | serial>…";

    private AliasCommand() {
    }

    /** @param keyFileFromEnvironment {@code $VITALWIRE_INGEST_ALIASES_KEY_FILE}, or null */
    public static int run(List<String> args, String keyFileFromEnvironment, PrintStream out, PrintStream err) {
        String keyFile = keyFileFromEnvironment == null || keyFileFromEnvironment.isBlank()
                ? AliasConfig.DEFAULT_KEY_FILE : keyFileFromEnvironment;
        return AliasLookup.run(args, USAGE, "--key-file", keyFile,
                file -> DeviceAliases.existing(Path.of(file), "vitalwire.ingest.aliases.key-file"), out, err);
    }
}
