package io.vitalwire.sims.bench;

import io.micronaut.context.ApplicationContext;
import io.vitalwire.gateway.coap.CoapIntake;
import io.vitalwire.sims.coap.CoapHomeDevice;
import io.vitalwire.sims.coap.HomeDeviceCredential;
import io.vitalwire.sims.coap.HomeDeviceKind;
import io.vitalwire.sims.provision.FhirProvisioner;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.californium.core.coap.CoAP;

/**
 * The home whose readings alert: the real gateway in-process (its Micronaut context: CoAP/DTLS intake, SQLite
 * buffer, MQTT uplink to the benchmark's broker) and simulated CoAP thermometers over DTLS, one per patient, posting
 * fevers (40.x °C, critical). A sample's clock starts when the thermometer has the gateway's 2.04: from then on the
 * reading is the gateway's responsibility.
 */
final class AlertingHome implements AutoCloseable {

    static final String TENANT = "default";

    private final String gatewayId;
    private final ApplicationContext gateway;
    private final List<CoapHomeDevice> thermometers;
    private final List<String> patients;
    private final Instant[] lastMeasured;
    private int sent;

    /** One fever as the thermometer saw it answered. */
    record Sample(String patient, Instant measuredAt, long acceptedNanos, long acceptedMillis) {

        /** How the webhook's payload names the same reading ({@code data.patient}, {@code data.measuredAt}). */
        String webhookKey() {
            return "Patient/" + patient + "|" + measuredAt;
        }
    }

    private AlertingHome(String gatewayId, ApplicationContext gateway, List<CoapHomeDevice> thermometers,
                         List<String> patients) {
        this.gatewayId = gatewayId;
        this.gateway = gateway;
        this.thermometers = thermometers;
        this.patients = patients;
        this.lastMeasured = new Instant[thermometers.size()];
    }

    /** {@code patients} patients, each with a thermometer registered on the FHIR server, and the gateway started. */
    static AlertingHome start(String run, String brokerUrl, URI fhir, int patients, Path dir) throws IOException {
        FhirProvisioner provisioner = new FhirProvisioner(fhir);
        List<HomeDeviceCredential> credentials = new ArrayList<>();
        List<String> patientIds = new ArrayList<>();
        for (int i = 0; i < patients; i++) {
            patientIds.add(provisioner.patient("bench-alert-patient-" + i, "Alert" + i, "Bench"));
            HomeDeviceCredential credential = HomeDeviceCredential.generate(HomeDeviceKind.THERMOMETER,
                    "BENCH-FEVER-" + i);
            provisioner.device(credential.serial(), credential.kind().name(), patientIds.get(i));
            credentials.add(credential);
        }
        Path data = Files.createDirectories(dir.resolve("gateway"));
        HomeDeviceCredential.writeGatewayFile(data.resolve("coap-devices.psk"), credentials);
        String gatewayId = "gw-bench-alert-" + run;
        ApplicationContext gateway = BenchGateway.start(gatewayId, data, brokerUrl,
                Map.of("vitalwire.gateway.coap.port", 0, "vitalwire.gateway.tenant", TENANT));
        URI coap = URI.create("coaps://127.0.0.1:" + gateway.getBean(CoapIntake.class).port());
        List<CoapHomeDevice> thermometers = new ArrayList<>();
        for (HomeDeviceCredential credential : credentials) {
            thermometers.add(new CoapHomeDevice(credential, coap));
        }
        return new AlertingHome(gatewayId, gateway, thermometers, patientIds);
    }

    String gatewayId() {
        return gatewayId;
    }

    /**
     * A fever from the next thermometer in turn, dated a whole second after that thermometer's previous one at least
     * (its clock's resolution: two readings in one second would be one reading key).
     */
    Sample fever() throws IOException {
        int n = sent++;
        int i = n % thermometers.size();
        Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        if (lastMeasured[i] != null && !at.isAfter(lastMeasured[i])) {
            at = lastMeasured[i].plusSeconds(1);
        }
        lastMeasured[i] = at;
        String pack = "[{\"bn\":\"urn:dev:sn:" + thermometers.get(i).serial() + ":\",\"bt\":" + at.getEpochSecond()
                + ",\"n\":\"body-temperature\",\"u\":\"Cel\",\"v\":40." + n % 10 + "}]";
        CoAP.ResponseCode code = thermometers.get(i).post(pack);
        long nanos = System.nanoTime();
        long millis = System.currentTimeMillis();
        if (code != CoAP.ResponseCode.CHANGED) {
            throw new IllegalStateException("the gateway answered " + code + " to a fever");
        }
        return new Sample(patients.get(i), at, nanos, millis);
    }

    @Override
    public void close() {
        thermometers.forEach(CoapHomeDevice::close);
        gateway.close();
    }
}
