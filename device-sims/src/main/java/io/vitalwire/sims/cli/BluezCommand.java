package io.vitalwire.sims.cli;

import io.vitalwire.sims.bluez.BluezSimulatorMain;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code sims bluez [bus address]}: the simulated BlueZ by hand, its six household devices measuring every 5 s. */
@Command(name = "bluez", mixinStandardHelpOptions = true,
        description = "Run the simulated BlueZ with a household's six devices on a private (or the given) D-Bus.")
final class BluezCommand implements Callable<Integer> {

    @Parameters(arity = "0..1", paramLabel = "BUS", description = "D-Bus address to use; default: a private dbus-daemon")
    private String busAddress;

    @Override
    public Integer call() throws Exception {
        BluezSimulatorMain.main(busAddress == null ? new String[0] : new String[] {busAddress});
        return 0;
    }
}
