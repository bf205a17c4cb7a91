package io.vitalwire.sims.scenario;

import io.vitalwire.sims.bluez.SimDeviceKind;
import io.vitalwire.sims.bluez.SimulatedBluez;
import io.vitalwire.sims.coap.HomeDeviceCredential;
import io.vitalwire.sims.coap.HomeDeviceKind;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The scenarios of one run as one home: every device with the serial it has in this run (the run's id appended, so
 * the FHIR server binds it to this run's patients, never an earlier run's), the CoAP devices' DTLS keys and what the
 * gateway must be started with — its allow-list of BLE devices and its file of CoAP pre-shared keys.
 */
public final class HomeLayout {

    /** A device of the home in this run. */
    public record HomeDevice(Scenario scenario, Scenario.Device device, Enum<?> kind, String serial,
                             HomeDeviceCredential credential) {

        public String id() {
            return device.id();
        }

        public boolean ble() {
            return device.ble();
        }

        public SimDeviceKind bleKind() {
            return (SimDeviceKind) kind;
        }

        /** How the report names the transport. */
        public String transport() {
            return ble() ? "BLE" : "CoAP";
        }
    }

    private final String run;
    private final List<Scenario> scenarios;
    private final Map<String, HomeDevice> devices = new LinkedHashMap<>();

    private HomeLayout(String run, List<Scenario> scenarios) {
        this.run = run;
        this.scenarios = List.copyOf(scenarios);
    }

    /**
     * @param run a short id of the run (letters and digits), part of every serial and patient identifier
     * @throws IllegalArgumentException when two scenarios name one device id or one BLE device kind
     */
    public static HomeLayout of(String run, List<Scenario> scenarios) {
        HomeLayout layout = new HomeLayout(run, scenarios);
        Set<SimDeviceKind> bleKinds = EnumSet.noneOf(SimDeviceKind.class);
        for (Scenario scenario : scenarios) {
            for (Scenario.Device d : scenario.devices()) {
                Enum<?> kind = ScenarioCheck.kindOf(d);
                String serial;
                HomeDeviceCredential credential = null;
                if (kind instanceof SimDeviceKind ble) {
                    if (!bleKinds.add(ble)) {
                        throw new IllegalArgumentException("two scenarios use the BLE " + d.kind()
                                + ": the simulated BlueZ has one of each kind");
                    }
                    serial = ble.serial() + "-" + run;
                } else {
                    serial = "SIM-" + d.id().toUpperCase(Locale.ROOT) + "-" + run;
                    credential = HomeDeviceCredential.generate((HomeDeviceKind) kind, serial);
                }
                if (layout.devices.put(d.id(), new HomeDevice(scenario, d, kind, serial, credential)) != null) {
                    throw new IllegalArgumentException("two scenarios name the device " + d.id());
                }
            }
        }
        return layout;
    }

    public String run() {
        return run;
    }

    public List<Scenario> scenarios() {
        return scenarios;
    }

    public List<HomeDevice> devices() {
        return List.copyOf(devices.values());
    }

    public HomeDevice device(String id) {
        return devices.get(id);
    }

    /** The patient's identifier in this run (FHIR {@code Patient.identifier}). */
    public String patientIdentifier(String scenarioPatientId) {
        return scenarioPatientId + "-" + run;
    }

    public Set<SimDeviceKind> bleKinds() {
        Set<SimDeviceKind> kinds = EnumSet.noneOf(SimDeviceKind.class);
        devices.values().stream().filter(HomeDevice::ble).forEach(d -> kinds.add(d.bleKind()));
        return kinds;
    }

    /** The gateway's {@code ble.allow-list}: the home's BLE devices by address. */
    public String allowList() {
        return String.join(",", bleKinds().stream().map(SimDeviceKind::address).toList());
    }

    /**
     * The home's BLE devices as this run has them — serials, user slots, battery levels — set on the simulated BlueZ
     * before the gateway first connects: it reads a device's serial once per connection.
     */
    public void setUp(SimulatedBluez bluez) {
        for (HomeDevice d : devices.values()) {
            if (!d.ble()) {
                continue;
            }
            Scenario.Device spec = d.device();
            bluez.serial(d.bleKind(), d.serial());
            if (!spec.users().isEmpty()) {
                bluez.users(d.bleKind(), spec.users().keySet().stream().mapToInt(Integer::intValue).toArray());
            }
            if (spec.battery() != null) {
                bluez.battery(d.bleKind(), spec.battery());
            }
            if (spec.clockDrift() != null) {
                bluez.clockDrift(d.bleKind(), Durations.parse(spec.clockDrift()));
            }
        }
    }

    /** What the scenarios need of cloud-ingest's configuration (property → value); they must agree. */
    public java.util.Map<String, String> cloudSettings() {
        java.util.Set<String> late = new java.util.TreeSet<>();
        scenarios.forEach(s -> {
            if (s.cloud().lateAfter() != null) {
                late.add(s.cloud().lateAfter());
            }
        });
        if (late.size() > 1) {
            throw new IllegalArgumentException("the scenarios disagree on late-after: " + late);
        }
        return late.isEmpty() ? java.util.Map.of()
                : java.util.Map.of("vitalwire.ingest.rules.late", Durations.parse(late.iterator().next()).toSeconds() + "s");
    }

    /** The gateway's {@code coap-devices.psk}: identity and key of each CoAP device (mode 0600). */
    public void writeCoapKeys(Path file) throws IOException {
        List<HomeDeviceCredential> credentials = new ArrayList<>();
        devices.values().stream().filter(d -> !d.ble()).forEach(d -> credentials.add(d.credential()));
        HomeDeviceCredential.writeGatewayFile(file, credentials);
    }
}
