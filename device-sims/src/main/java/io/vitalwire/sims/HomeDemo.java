package io.vitalwire.sims;

import io.vitalwire.sims.coap.CoapHomeDevice;
import io.vitalwire.sims.coap.HomeDeviceCredential;
import io.vitalwire.sims.coap.HomeDeviceKind;
import io.vitalwire.sims.provision.FhirProvisioner;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One simulated home for the demo, in two steps as an installer would do it:
 * <ol>
 *   <li>{@code HomeDemo keys <psk file>}: give each of the home's devices (one of each kind) a DTLS pre-shared key
 *       and write the gateway's credentials file;</li>
 *   <li>{@code HomeDemo run <coaps://gateway:port> <FHIR base URL> <psk file> [readings per device]}: register the
 *       patient and the devices on the FHIR server, then let every device send measurements over DTLS.</li>
 * </ol>
 */
public final class HomeDemo {

    private HomeDemo() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("keys")) {
            List<HomeDeviceCredential> devices = Arrays.stream(HomeDeviceKind.values())
                    .map(kind -> HomeDeviceCredential.generate(kind, "DEMO-" + kind.name().replace('_', '-')))
                    .toList();
            HomeDeviceCredential.writeGatewayFile(Path.of(args[1]), devices);
            System.out.println("wrote credentials of " + devices.size() + " devices to " + args[1]);
            return;
        }
        if (args.length < 4 || !args[0].equals("run")) {
            System.err.println("usage: HomeDemo keys <psk file>\n"
                    + "       HomeDemo run <coaps://host:port> <http://fhir/base> <psk file> [readings per device]");
            System.exit(2);
        }
        URI gateway = URI.create(args[1]);
        FhirProvisioner fhir = new FhirProvisioner(URI.create(args[2]));
        List<HomeDeviceCredential> credentials = HomeDeviceCredential.readGatewayFile(Path.of(args[3]));
        int perDevice = args.length > 4 ? Integer.parseInt(args[4]) : 3;

        String patientId = fhir.patient("demo-home-1", "Demo", "Pat");
        System.out.println("patient: Patient/" + patientId);
        List<CoapHomeDevice> devices = new ArrayList<>();
        for (HomeDeviceCredential credential : credentials) {
            fhir.device(credential.serial(), credential.kind().name(), patientId);
            devices.add(new CoapHomeDevice(credential, gateway));
        }
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60L * perDevice);
        int sent = 0;
        for (int i = 0; i < perDevice; i++) {
            for (CoapHomeDevice device : devices) {
                var code = device.measure(start.plusSeconds(60L * i), i);
                System.out.printf("%-15s %-24s reading %d -> %s%n", device.kind(), device.serial(), i + 1, code);
                sent++;
            }
        }
        devices.forEach(CoapHomeDevice::close);
        System.out.println("sent " + sent + " measurements over DTLS for Patient/" + patientId);
    }
}
