package io.vitalwire.ingest.resolve;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.ingest.testing.StackTest;
import io.vitalwire.testing.GatewayReadings;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Many devices looked up at once, as the {@code resolve} stage does for a claim: more than one search's worth of
 * devices, each with its own patient, found in FHIR by searches of many identifiers; among them a device two Devices
 * carry (ambiguous), one with its history in DeviceUseStatements (decided by the reading's time), one with no
 * patient and one FHIR does not know. Each must come out exactly as a lookup of that device alone does.
 */
@MicronautTest
class BatchedLookupIT extends StackTest {

    @Inject
    PatientResolver resolver;

    BatchedLookupIT() {
        super("gw-batch");
    }

    @Test
    void moreDevicesThanOneSearchHolds_eachResolvesAsItWouldAlone() {
        Map<DeviceIdentity, String> patients = new HashMap<>();
        List<DeviceIdentity> devices = new ArrayList<>();
        for (int i = 0; i < PatientResolver.SEARCH_BATCH + 7; i++) {
            DeviceIdentity d = GatewayReadings.device("BATCH-" + i + "-" + run);
            String patient = fixtures.patient();
            fixtures.device(d.serial(), patient);
            patients.put(d, patient);
            devices.add(d);
        }
        DeviceIdentity twice = GatewayReadings.device("TWICE-" + run);
        fixtures.device(twice.serial(), fixtures.patient());
        fixtures.device(twice.serial(), fixtures.patient());
        DeviceIdentity handedOver = GatewayReadings.device("HISTORY-" + run);
        String former = fixtures.patient();
        String current = fixtures.patient();
        String handedOverRef = fixtures.device(handedOver.serial(), current);
        Instant handover = Instant.now().minus(Duration.ofHours(1));
        fixtures.assign(handedOverRef, former, handover.minus(Duration.ofDays(3)), handover);
        fixtures.assign(handedOverRef, current, handover, null);
        DeviceIdentity nobodys = GatewayReadings.device("NOBODY-" + run);
        fixtures.device(nobodys.serial(), null);
        DeviceIdentity unknown = GatewayReadings.device("UNKNOWN-" + run);
        // The list interleaves them, and names one device twice, as a claim's devices may.
        devices.add(3, twice);
        devices.add(20, handedOver);
        devices.add(40, nobodys);
        devices.add(unknown);
        devices.add(devices.get(0));

        PatientResolver.Lookups lookups = resolver.lookupAll(devices);

        assertThat(lookups.failure()).isNull();
        Instant now = Instant.now();
        for (Map.Entry<DeviceIdentity, String> p : patients.entrySet()) {
            assertThat(lookups.of(p.getKey())).get().extracting(l -> l.at(now))
                    .isInstanceOfSatisfying(Resolution.Assigned.class,
                            a -> assertThat(a.patient()).isEqualTo(p.getValue()));
        }
        assertThat(lookups.of(twice)).get().isInstanceOf(DeviceLookup.Ambiguous.class);
        assertThat(lookups.of(handedOver).orElseThrow().at(handover.minus(Duration.ofDays(1))))
                .isInstanceOfSatisfying(Resolution.Assigned.class, a -> assertThat(a.patient()).isEqualTo(former));
        assertThat(lookups.of(handedOver).orElseThrow().at(now))
                .isInstanceOfSatisfying(Resolution.Assigned.class, a -> assertThat(a.patient()).isEqualTo(current));
        assertThat(lookups.of(nobodys).orElseThrow().at(now)).isInstanceOf(Resolution.UnassignedDevice.class);
        assertThat(lookups.of(unknown)).get().isInstanceOf(DeviceLookup.Unknown.class);

        // The same devices one at a time (now from the cache, or searched alone) give the same answers.
        for (DeviceIdentity d : devices) {
            assertThat(resolver.lookup(d)).isEqualTo(lookups.of(d).orElseThrow());
        }
    }
}
