package io.vitalwire.ingest.resolve;

import ca.uhn.fhir.rest.api.CacheControlDirective;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.ingest.fhir.FhirSystems;
import jakarta.inject.Singleton;
import java.time.Duration;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Device;

/**
 * Finds the patient of a reading through the FHIR server's Device resources: the Device whose identifier is the
 * reading's device serial (or BLE address), and its {@code Device.patient}. Assigned devices are cached briefly;
 * unknown ones are not, so a device registered a moment ago is found on its next reading.
 */
@Singleton
public class PatientResolver {

    private final IGenericClient fhir;
    private final Cache<DeviceIdentity, Resolution.Assigned> assigned = Caffeine.newBuilder()
            .expireAfterWrite(Duration.ofSeconds(60))
            .maximumSize(100_000)
            .build();

    public PatientResolver(IGenericClient fhir) {
        this.fhir = fhir;
    }

    public Resolution resolve(DeviceIdentity device) {
        Resolution.Assigned cached = assigned.getIfPresent(device);
        if (cached != null) {
            return cached;
        }
        String system = device.serial() != null ? FhirSystems.DEVICE_SERIAL : FhirSystems.BLE_ADDRESS;
        String value = device.serial() != null ? device.serial() : device.address();
        Bundle found = fhir.search().forResource(Device.class)
                .where(Device.IDENTIFIER.exactly().systemAndIdentifier(system, value))
                .returnBundle(Bundle.class)
                // A server-side search cache would hide a device registered a moment ago.
                .cacheControl(new CacheControlDirective().setNoCache(true))
                .execute();
        if (found.getEntry().isEmpty()) {
            return new Resolution.UnknownDevice(system + "|" + value);
        }
        Device d = (Device) found.getEntryFirstRep().getResource();
        String deviceRef = "Device/" + d.getIdElement().getIdPart();
        if (!d.hasPatient() || !d.getPatient().hasReference()) {
            return new Resolution.UnassignedDevice(deviceRef);
        }
        Resolution.Assigned result = new Resolution.Assigned(d.getPatient().getReference(), deviceRef);
        assigned.put(device, result);
        return result;
    }
}
