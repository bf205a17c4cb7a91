package io.vitalwire.privacy;

import java.io.PrintStream;
import java.util.List;
import java.util.function.Function;

/**
 * The body of each service's {@code alias} command: {@code alias [<option> VALUE] <device>…} prints
 * {@code <alias> <device>} per device, under the key the service's logs use; never creates a key.
 */
public final class AliasLookup {

    private AliasLookup() {
    }

    /**
     * @param option       where the key is ({@code --data-dir}, {@code --key-file}); its value replaces
     *                     {@code defaultValue}
     * @param defaultValue the option's value when it is not given
     * @param open         the aliases for the option's value ({@link DeviceAliases#existing}); an
     *                     {@link IllegalStateException} is printed and exits 1
     * @return the exit code
     */
    public static int run(List<String> args, String usage, String option, String defaultValue,
                          Function<String, DeviceAliases> open, PrintStream out, PrintStream err) {
        String where = defaultValue;
        List<String> devices = args;
        if (!args.isEmpty() && args.get(0).equals(option)) {
            if (args.size() < 2) {
                err.println(usage);
                return 2;
            }
            where = args.get(1);
            devices = args.subList(2, args.size());
        }
        if (devices.isEmpty()) {
            err.println(usage);
            return 2;
        }
        DeviceAliases aliases;
        try {
            aliases = open.apply(where);
        } catch (IllegalStateException e) {
            err.println(e.getMessage());
            return 1;
        }
        devices.forEach(d -> out.println(aliases.of(d) + " " + d));
        return 0;
    }
}
