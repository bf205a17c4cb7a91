package io.vitalwire.sims.fleet;

import java.util.ArrayList;
import java.util.List;

/**
 * One simulated home: its hub's gateway id (the CN of its certificate), the patient's simulation id on the FHIR
 * server, and its devices. Names are derived from the tenant and the hub's number, so every run and every process
 * (the simulator, the provisioning, the certificates) agrees on them.
 */
public record FleetHub(int number, String tenant, String gatewayId, String patientSimId, List<FleetDevice> devices) {

    /** A device of a hub: its serial (a device identifier: never logged) and kind, measuring perDay times a day. */
    public record FleetDevice(String serial, FleetDeviceKind kind, double perDay) {
    }

    /** The hubs of a scenario, numbered 0 … gateways − 1. */
    public static List<FleetHub> of(FleetScenario scenario) {
        List<FleetHub> hubs = new ArrayList<>(scenario.gateways());
        for (int n = 0; n < scenario.gateways(); n++) {
            hubs.add(hub(scenario, n));
        }
        return hubs;
    }

    static FleetHub hub(FleetScenario scenario, int n) {
        String tenant = scenario.tenant();
        String name = String.format("%s-gw-%05d", tenant, n);
        List<FleetDevice> devices = new ArrayList<>();
        for (int d = 0; d < scenario.devices().size(); d++) {
            FleetScenario.SpotDevice spot = scenario.devices().get(d);
            devices.add(new FleetDevice(serial(tenant, n, d, spot.kind()), spot.kind(), spot.perDay()));
        }
        if (scenario.hasWearable(n)) {
            FleetDeviceKind kind = scenario.wearable().kind();
            devices.add(new FleetDevice(serial(tenant, n, devices.size(), kind), kind, 0));
        }
        return new FleetHub(n, tenant, name, "fleet-" + tenant + "-patient-" + n, List.copyOf(devices));
    }

    private static String serial(String tenant, int hub, int slot, FleetDeviceKind kind) {
        return String.format("FLT-%s-%05d-%d%s", tenant.toUpperCase(java.util.Locale.ROOT), hub, slot,
                kind.serialTag());
    }

    public boolean hasWearable() {
        return devices.stream().anyMatch(d -> d.kind().continuous());
    }
}
