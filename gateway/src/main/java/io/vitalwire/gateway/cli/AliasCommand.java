package io.vitalwire.gateway.cli;

import io.vitalwire.gateway.identity.GatewayAliases;
import io.vitalwire.privacy.AliasLookup;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code gateway alias [--data-dir DIR] <device>…}: for operators following a device through the logs, which name it
 * only by its alias ({@code DeviceAliases}). Prints one line per device, {@code <alias> <device>}; a device is a BLE
 * address (any case, {@code :}, {@code -} or {@code _} between octets), a device id as the cloud shows it
 * ({@code bd.…}, {@code sn.…}) or a serial. Reads the key of the gateway whose data directory it is given: by default
 * {@code $VITALWIRE_GATEWAY_DATA_DIR}, else {@code /var/lib/vitalwire}; it never creates one.
 */
public final class AliasCommand {

    static final String DEFAULT_DATA_DIR = "/var/lib/vitalwire";
    private static final String USAGE = "usage: gateway alias [--data-dir DIR] <BLE address | serial | device id>…";

    /** @param dataDirFromEnvironment {@code $VITALWIRE_GATEWAY_DATA_DIR}, or null */
    public int run(List<String> args, String dataDirFromEnvironment, PrintStream out, PrintStream err) {
        String dataDir = dataDirFromEnvironment == null || dataDirFromEnvironment.isBlank() ? DEFAULT_DATA_DIR
                : dataDirFromEnvironment;
        return AliasLookup.run(args, USAGE, "--data-dir", dataDir, dir -> GatewayAliases.existing(Path.of(dir)), out,
                err);
    }
}
