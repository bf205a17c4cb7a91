package io.vitalwire.sims;

import io.vitalwire.sims.coap.CoapHomeDevice;
import io.vitalwire.sims.coap.HomeDeviceKind;
import io.vitalwire.sims.provision.FhirProvisioner;
import java.net.URI;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * One simulated home for the demo: registers a patient and one device of each kind on the FHIR server, then lets
 * every device send a few measurements to the gateway over CoAP.
 *
 * <p>Usage: {@code HomeDemo <gateway coap URI> <FHIR base URL> [readings per device]}
 */
public final class HomeDemo {

    private HomeDemo() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: HomeDemo <coap://host:port> <http://fhir/base> [readings per device]");
            System.exit(2);
        }
        URI gateway = URI.create(args[0]);
        FhirProvisioner fhir = new FhirProvisioner(URI.create(args[1]));
        int perDevice = args.length > 2 ? Integer.parseInt(args[2]) : 3;

        String patientId = fhir.patient("demo-home-1", "Demo", "Pat");
        System.out.println("patient: Patient/" + patientId);
        List<CoapHomeDevice> devices = new ArrayList<>();
        for (HomeDeviceKind kind : HomeDeviceKind.values()) {
            String serial = "DEMO-" + kind.name().replace('_', '-');
            fhir.device(serial, kind.name(), patientId);
            devices.add(new CoapHomeDevice(kind, serial, gateway));
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
        System.out.println("sent " + sent + " measurements for Patient/" + patientId);
    }
}
