package io.vitalwire.sims.scenario;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A scenario file (YAML, {@code device-sims/scenarios/}, documented in device-sims/README.md): the people of a home,
 * the devices they use and what happens when — measurements, a device out of range, a battery running down — plus
 * what a clinician should hear of it. Several scenarios can run in one home (one gateway) as long as their device
 * ids and BLE devices differ.
 *
 * @param name        short name, shown in the report
 * @param description what the scenario tells, for people
 * @param patients    who lives there
 * @param devices     what they measure with
 * @param steps       the timeline
 * @param expect      what the cloud should make of it
 */
public record Scenario(String name, String description, Cloud cloud, List<Patient> patients, List<Device> devices,
                       List<Step> steps, Expect expect) {

    public Scenario {
        cloud = cloud == null ? new Cloud(null) : cloud;
        patients = patients == null ? List.of() : List.copyOf(patients);
        devices = devices == null ? List.of() : List.copyOf(devices);
        steps = steps == null ? List.of() : List.copyOf(steps);
        expect = expect == null ? new Expect(List.of()) : expect;
    }

    /**
     * What a scenario needs of cloud-ingest's configuration: time compressed as the scenario compresses it.
     *
     * @param lateAfter a reading arriving this long after it was measured is late (cloud-ingest's
     *                  {@code rules.late}, 1 h by default); scenarios run together must agree
     */
    public record Cloud(String lateAfter) {
    }

    /**
     * A patient, registered on the FHIR server for each run anew (the run's id appended to {@code id}), so that one
     * run's alerts never suppress the next run's.
     *
     * @param conditions {@code heart-failure} (a FHIR Condition, SNOMED CT 84114007, which the weight-gain rules
     *                   read)
     * @param state      the US state of the patient's home (USPS code): licensure follows the patient
     * @param careTeam   who owns the Tasks of the patient's alerts; none: Tasks without an owner, saying why
     */
    public record Patient(String id, String family, String given, List<String> conditions, String state,
                          List<CareTeamMember> careTeam) {

        public Patient {
            conditions = conditions == null ? List.of() : List.copyOf(conditions);
            careTeam = careTeam == null ? List.of() : List.copyOf(careTeam);
        }
    }

    /**
     * A member of the patient's care team, who owns the Tasks of the patient's alerts in their role.
     *
     * @param role        {@code nurse}, {@code physician} or {@code care-coordinator}
     * @param licensedIn  the US states (USPS codes) the member holds a licence of; a nurse or physician owns a Task
     *                    only with a licence of the patient's state
     */
    public record CareTeamMember(String role, String given, String family, List<String> licensedIn) {

        public CareTeamMember {
            licensedIn = licensedIn == null ? List.of() : List.copyOf(licensedIn);
        }

        /** The role's SNOMED CT occupation code. */
        public String roleCode() {
            return switch (String.valueOf(role)) {
                case "nurse" -> "224535009";
                case "physician" -> "309343006";
                case "care-coordinator" -> "768820003";
                default -> throw new IllegalArgumentException("a care team role is nurse, physician or "
                        + "care-coordinator, not " + role);
            };
        }
    }

    /**
     * A device of the home.
     *
     * @param transport {@code ble} (the simulated BlueZ; {@code kind} one of its device kinds, e.g.
     *                  {@code heart-rate-strap}) or {@code coap} (Wi-Fi/Thread over CoAP/DTLS; {@code bp-cuff},
     *                  {@code thermometer}, {@code scale}, {@code glucose-meter}, {@code pulse-oximeter})
     * @param patient   its patient's id; none: a device the clinic has not assigned yet
     * @param users     a multi-user device's user slots (BLE cuff or scale): user index → patient id
     * @param battery   its battery level at the start, percent (BLE)
     * @param clockDrift how far its clock runs ahead of true time (BLE; negative: behind), e.g. {@code 25m}
     */
    public record Device(String id, String transport, String kind, String patient, Map<Integer, String> users,
                         Integer battery, String clockDrift) {

        public Device {
            users = users == null ? Map.of() : Map.copyOf(users);
        }

        public boolean ble() {
            return "ble".equals(transport);
        }
    }

    /**
     * Something that happens, once or {@code count} times {@code every} so long, from {@code at} after the start.
     * Values and {@code measured-ago} are a number (a duration) or a pair {@code [first, last]}: the repetitions go
     * from the first to the last in equal steps, rounded to the decimals written (a drift).
     *
     * @param measure      the values measured (see {@link io.vitalwire.sims.vitals.Vitals})
     * @param continuous   an oximeter's continuous stream sample rather than a spot-check
     * @param user         the user index a multi-user device puts in the measurement
     * @param measuredAgo  how long before the send the measurement was taken (the device's stored readings)
     * @param away         a BLE device goes out of range for this long (what it measures meanwhile it keeps)
     * @param battery      the device's battery level from now on, percent
     * @param assign       an operator assigns the (unassigned) device to this patient on the FHIR server
     * @param replay       an operator replays the device's quarantined readings (cloud-ingest's admin API)
     * @param hub          something happens to the hub, for {@code for}: {@code power-cut} (the gateway is killed
     *                     with SIGKILL and its BLE adapter goes dark; both come back after it), {@code wifi-lost}
     *                     (its link to the broker is cut and comes back)
     */
    public record Step(String at, String device, Integer count, String every, Map<String, JsonNode> measure,
                       Boolean continuous, Integer user, JsonNode measuredAgo, String away, Integer battery,
                       String assign, Boolean replay, String hub, @JsonProperty("for") String lasting) {
    }

    /** What should come of the scenario: the alerts a clinician's webhook receives, no more, no fewer. */
    public record Expect(List<Alert> alerts) {

        public Expect {
            alerts = alerts == null ? List.of() : List.copyOf(alerts);
        }
    }

    /**
     * An alert the scenario should raise.
     *
     * @param patient  whose (a patient id of the scenario); none for an alert that names no patient
     * @param late     whether it is about a reading that arrived more than an hour after it was measured
     */
    public record Alert(String patient, String rule, String severity, Boolean late) {
    }

    /** Reads a scenario file; unknown keys are refused (a typo must not silently do nothing). */
    public static Scenario read(Path file) throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
                .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        Scenario scenario = yaml.readValue(file.toFile(), Scenario.class);
        new ScenarioCheck(scenario).requireValid(file);
        return scenario;
    }
}
