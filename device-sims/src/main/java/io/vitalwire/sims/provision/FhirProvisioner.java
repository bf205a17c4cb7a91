package io.vitalwire.sims.provision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/**
 * Registers simulated patients and their devices on the FHIR server, as an operator's onboarding would: a Patient,
 * and a Device per home device whose identifier is the device serial and whose {@code patient} is that Patient; for a
 * multi-user device, a DeviceUseStatement per user slot.
 * Conditional creates, so running it twice creates nothing new.
 */
public final class FhirProvisioner {

    /** Must match cloud-ingest's FhirSystems.DEVICE_SERIAL. */
    public static final String DEVICE_SERIAL = "https://vitalwire.io/fhir/NamingSystem/device-serial";
    public static final String PATIENT_ID = "https://vitalwire.io/fhir/NamingSystem/sim-patient";
    /** Must match cloud-ingest's FhirSystems.DEVICE_USER_INDEX. */
    public static final String DEVICE_USER_INDEX = "https://vitalwire.io/fhir/StructureDefinition/device-user-index";
    public static final String PRACTITIONER_ID = "https://vitalwire.io/fhir/NamingSystem/sim-practitioner";
    public static final String CARE_TEAM_ID = "https://vitalwire.io/fhir/NamingSystem/sim-care-team";
    public static final String CONDITION_ID = "https://vitalwire.io/fhir/NamingSystem/sim-condition";
    public static final String ASSIGNMENT_ID = "https://vitalwire.io/fhir/NamingSystem/sim-assignment";

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final ObjectMapper json = new ObjectMapper();

    public FhirProvisioner(URI base) {
        this.base = URI.create(base.toString().endsWith("/") ? base.toString() : base + "/");
    }

    /** @return the Patient's logical id */
    public String patient(String simId, String family, String given) throws IOException {
        return patient(simId, family, given, null);
    }

    /**
     * @param state the US state of the patient's home address (USPS code), which decides whose licence counts for
     *              the patient's care; null: no address
     * @return the Patient's logical id
     */
    public String patient(String simId, String family, String given, String state) throws IOException {
        String body = "{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"" + PATIENT_ID + "\",\"value\":\""
                + simId + "\"}],\"name\":[{\"family\":\"" + family + "\",\"given\":[\"" + given + "\"]}]"
                + (state == null ? "" : ",\"address\":[{\"use\":\"home\",\"state\":\"" + state + "\"}]") + "}";
        return create("Patient", PATIENT_ID, simId, body);
    }

    /**
     * A practitioner licensed in the given states: one qualification per state, its issuer named by the state's
     * USPS code (how cloud-ingest's Task routing reads a licence without the Plan-Net extension).
     *
     * @return the Practitioner's logical id
     */
    public String practitioner(String simId, String family, String given, java.util.List<String> licensedIn)
            throws IOException {
        String qualifications = String.join(",", licensedIn.stream().map(state ->
                "{\"code\":{\"text\":\"State licence\"},\"issuer\":{\"display\":\"" + state + "\"}}").toList());
        String body = "{\"resourceType\":\"Practitioner\",\"identifier\":[{\"system\":\"" + PRACTITIONER_ID
                + "\",\"value\":\"" + simId + "\"}],\"active\":true,\"name\":[{\"family\":\"" + family
                + "\",\"given\":[\"" + given + "\"]}],\"qualification\":[" + qualifications + "]}";
        return create("Practitioner", PRACTITIONER_ID, simId, body);
    }

    /**
     * The patient's active care team: each member a Practitioner in a role (SNOMED CT occupation code: 224535009
     * registered nurse, 309343006 physician, 768820003 care coordinator), to whom cloud-ingest gives alert Tasks.
     *
     * @param members practitioner logical id → role code
     * @return the CareTeam's logical id
     */
    public String careTeam(String simId, String patientId, java.util.Map<String, String> members) throws IOException {
        String participants = String.join(",", members.entrySet().stream().map(m ->
                "{\"role\":[{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"" + m.getValue()
                        + "\"}]}],\"member\":{\"reference\":\"Practitioner/" + m.getKey() + "\"}}").toList());
        String body = "{\"resourceType\":\"CareTeam\",\"identifier\":[{\"system\":\"" + CARE_TEAM_ID
                + "\",\"value\":\"" + simId + "\"}],\"status\":\"active\",\"subject\":{\"reference\":\"Patient/"
                + patientId + "\"},\"participant\":[" + participants + "]}";
        return create("CareTeam", CARE_TEAM_ID, simId, body);
    }

    /**
     * @param patientId the patient the device is assigned to; null: registered but not assigned yet
     * @return the Device's logical id
     */
    public String device(String serial, String kind, String patientId) throws IOException {
        String body = "{\"resourceType\":\"Device\",\"identifier\":[{\"system\":\"" + DEVICE_SERIAL + "\",\"value\":\""
                + serial + "\"}],\"status\":\"active\",\"deviceName\":[{\"name\":\"" + kind
                + "\",\"type\":\"model-name\"}]"
                + (patientId == null ? "" : ",\"patient\":{\"reference\":\"Patient/" + patientId + "\"}") + "}";
        return create("Device", DEVICE_SERIAL, serial, body);
    }

    /**
     * Assigns a registered device to a patient: the Device read, its {@code patient} set, written back — as the
     * clinic's onboarding does for a device it handed out unassigned.
     */
    public void assign(String deviceId, String patientId) throws IOException {
        try {
            HttpResponse<String> read = http.send(HttpRequest.newBuilder(base.resolve("Device/" + deviceId))
                    .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (read.statusCode() != 200) {
                throw new IOException("Device read answered HTTP " + read.statusCode());
            }
            com.fasterxml.jackson.databind.node.ObjectNode device =
                    (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(read.body());
            device.putObject("patient").put("reference", "Patient/" + patientId);
            HttpResponse<String> written = http.send(HttpRequest.newBuilder(base.resolve("Device/" + deviceId))
                    .header("Content-Type", "application/fhir+json").timeout(Duration.ofSeconds(30))
                    .PUT(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(device))).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (written.statusCode() != 200) {
                throw new IOException("Device update answered HTTP " + written.statusCode() + ": " + written.body());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /**
     * Records that the patient has heart failure: an active, confirmed Condition coded SNOMED CT 84114007, which
     * cloud-ingest's weight-gain rules read.
     *
     * @return the Condition's logical id
     */
    public String heartFailure(String patientId) throws IOException {
        String id = patientId + "-heart-failure";
        String body = "{\"resourceType\":\"Condition\",\"identifier\":[{\"system\":\"" + CONDITION_ID
                + "\",\"value\":\"" + id + "\"}],\"clinicalStatus\":{\"coding\":[{\"system\":"
                + "\"http://terminology.hl7.org/CodeSystem/condition-clinical\",\"code\":\"active\"}]},"
                + "\"verificationStatus\":{\"coding\":[{\"system\":"
                + "\"http://terminology.hl7.org/CodeSystem/condition-ver-status\",\"code\":\"confirmed\"}]},"
                + "\"code\":{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"84114007\","
                + "\"display\":\"Heart failure\"}]},\"subject\":{\"reference\":\"Patient/" + patientId + "\"}}";
        return create("Condition", CONDITION_ID, id, body);
    }

    /**
     * Binds user slot {@code userIndex} of a multi-user device (a family cuff or scale) to the patient from
     * {@code since} on: a DeviceUseStatement carrying the user index in the extension cloud-ingest resolves by.
     *
     * @param deviceId the Device's logical id
     * @return the DeviceUseStatement's logical id
     */
    public String assignUser(String deviceId, int userIndex, String patientId, Instant since) throws IOException {
        String body = "{\"resourceType\":\"DeviceUseStatement\",\"extension\":[{\"url\":\"" + DEVICE_USER_INDEX
                + "\",\"valueInteger\":" + userIndex + "}],\"identifier\":[{\"system\":\"" + ASSIGNMENT_ID
                + "\",\"value\":\"" + deviceId + "-user-" + userIndex + "\"}],\"status\":\"active\","
                + "\"subject\":{\"reference\":\"Patient/" + patientId + "\"},\"device\":{\"reference\":\"Device/"
                + deviceId + "\"},\"timingPeriod\":{\"start\":\"" + since + "\"}}";
        return create("DeviceUseStatement", ASSIGNMENT_ID, deviceId + "-user-" + userIndex, body);
    }

    private String create(String type, String system, String value, String body) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(type))
                .header("Content-Type", "application/fhir+json")
                .header("If-None-Exist", "identifier=" + URLEncoder.encode(system, StandardCharsets.UTF_8) + "|"
                        + URLEncoder.encode(value, StandardCharsets.UTF_8))
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200 && response.statusCode() != 201) {
                throw new IOException(type + " create answered HTTP " + response.statusCode() + ": "
                        + response.body());
            }
            JsonNode created = json.readTree(response.body());
            return created.path("id").asText();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
