package io.vitalwire.sims.scenario;

import io.vitalwire.sims.bluez.SimDeviceKind;
import io.vitalwire.sims.coap.HomeDeviceKind;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** What a scenario file must hold together: every name it uses is defined, every kind exists, every step can run. */
final class ScenarioCheck {

    private static final Set<String> CONDITIONS = Set.of("heart-failure");

    private final Scenario scenario;
    private final List<String> problems = new ArrayList<>();

    ScenarioCheck(Scenario scenario) {
        this.scenario = scenario;
    }

    void requireValid(Path file) throws IOException {
        check();
        if (!problems.isEmpty()) {
            throw new IOException(file + ": " + String.join("; ", problems));
        }
    }

    private void check() {
        if (scenario.name() == null || scenario.name().isBlank()) {
            problems.add("no name");
        }
        Set<String> patients = new HashSet<>();
        for (Scenario.Patient p : scenario.patients()) {
            if (p.id() == null || !patients.add(p.id())) {
                problems.add("patient id missing or repeated: " + p.id());
            }
            for (Scenario.CareTeamMember m : p.careTeam()) {
                try {
                    m.roleCode();
                } catch (IllegalArgumentException e) {
                    problems.add("patient " + p.id() + ": " + e.getMessage());
                }
            }
            p.conditions().stream().filter(c -> !CONDITIONS.contains(c))
                    .forEach(c -> problems.add("patient " + p.id() + ": unknown condition " + c));
        }
        Set<String> devices = new HashSet<>();
        for (Scenario.Device d : scenario.devices()) {
            if (d.id() == null || !devices.add(d.id())) {
                problems.add("device id missing or repeated: " + d.id());
            }
            try {
                kindOf(d);
            } catch (IllegalArgumentException e) {
                problems.add("device " + d.id() + ": " + e.getMessage());
            }
            if (d.patient() != null && !patients.contains(d.patient())) {
                problems.add("device " + d.id() + ": unknown patient " + d.patient());
            }
            d.users().values().stream().filter(u -> !patients.contains(u))
                    .forEach(u -> problems.add("device " + d.id() + ": unknown user patient " + u));
            if (!d.users().isEmpty() && !d.ble()) {
                problems.add("device " + d.id() + ": user slots are a BLE cuff's or scale's");
            }
        }
        for (Scenario.Step s : scenario.steps()) {
            if (s.hub() != null) {
                if (s.device() != null || s.lasting() == null) {
                    problems.add("step at " + s.at() + ": a hub event names no device, and lasts (for)");
                }
                continue;
            }
            if (!devices.contains(s.device())) {
                problems.add("step at " + s.at() + ": unknown device " + s.device());
            }
            int actions = (s.measure() == null ? 0 : 1) + (s.away() == null ? 0 : 1) + (s.battery() == null ? 0 : 1)
                    + (s.assign() == null ? 0 : 1) + (Boolean.TRUE.equals(s.replay()) ? 1 : 0);
            if (actions != 1) {
                problems.add("step at " + s.at() + " for " + s.device()
                        + ": one of measure, away, battery, assign, replay");
            }
            if (s.assign() != null && !patients.contains(s.assign())) {
                problems.add("step at " + s.at() + ": assigns to unknown patient " + s.assign());
            }
            Scenario.Device device = scenario.devices().stream().filter(d -> d.id() != null
                    && d.id().equals(s.device())).findFirst().orElse(null);
            if (device != null && s.measure() != null && !device.users().isEmpty()
                    && (s.user() == null || !device.users().containsKey(s.user()))) {
                problems.add("step at " + s.at() + " for " + s.device() + ": a multi-user device's measurement "
                        + "names one of its users " + device.users().keySet());
            }
            if (s.count() != null && s.count() > 1 && s.every() == null) {
                problems.add("step at " + s.at() + " for " + s.device() + ": count without every");
            }
        }
        try {
            Timeline.plan(scenario);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        for (Scenario.Alert a : scenario.expect().alerts()) {
            if (a.patient() != null && !patients.contains(a.patient())) {
                problems.add("expected alert " + a.rule() + ": unknown patient " + a.patient());
            }
        }
    }

    /** The device's kind: a {@link SimDeviceKind} for BLE, a {@link HomeDeviceKind} for CoAP. */
    static Enum<?> kindOf(Scenario.Device d) {
        String name = String.valueOf(d.kind()).toUpperCase(Locale.ROOT).replace('-', '_');
        return switch (String.valueOf(d.transport())) {
            case "ble" -> SimDeviceKind.valueOf(name);
            case "coap" -> HomeDeviceKind.valueOf(name);
            default -> throw new IllegalArgumentException("transport is ble or coap, not " + d.transport());
        };
    }
}
