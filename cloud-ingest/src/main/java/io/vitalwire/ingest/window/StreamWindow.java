package io.vitalwire.ingest.window;

import io.vitalwire.contract.MeasurementType;
import io.vitalwire.contract.Reading;
import io.vitalwire.ingest.pipeline.Owner;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * One window of one continuous stream: what a patient's device (with its user index) measured of one code during
 * {@code [start, end)}. It becomes one Observation, found again by {@link #identifier()}.
 *
 * @param identifier the window Observation's identifier value (system
 *                   {@link io.vitalwire.ingest.fhir.FhirSystems#READING_WINDOW}), see {@link #of}
 * @param patient    FHIR reference of the patient
 * @param device     FHIR reference of the measuring Device
 * @param type       the kind of measurement, which selects the profile
 * @param code       the MDC code of the stream
 * @param loinc      the LOINC code, where one exists
 * @param unit       UCUM unit of every sample
 */
public record StreamWindow(String identifier, String patient, String device, MeasurementType type, String code,
                           String loinc, String unit, Instant start, Instant end) {

    private static final DateTimeFormatter COMPACT = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    /**
     * The window a reading falls into. Its identifier is {@code {device}/{code}/{start}/{length}/{patient id}}, e.g.
     * {@code sn.HR-1.u1/147842/20261123T101500Z/PT1M/p7}: the device part is the reading key's (serial or address,
     * escaped, and the user index), so a stream's windows are told apart by device, user, code, time, length and —
     * when a device is reassigned within a window — patient. No patient data beyond the opaque FHIR id.
     */
    public static StreamWindow of(Reading reading, Owner owner, String unit, Duration length) {
        long lengthMillis = length.toMillis();
        Instant start = Instant.ofEpochMilli(Math.floorDiv(reading.measuredAt().toEpochMilli(), lengthMillis)
                * lengthMillis);
        String identifier = deviceOf(reading.key()) + "/" + reading.mdc() + "/" + COMPACT.format(start) + "/"
                + length + "/" + owner.patientId();
        return new StreamWindow(identifier, owner.patient(), owner.device(), reading.type(), reading.mdc(),
                reading.loinc(), unit, start, start.plus(length));
    }

    public Duration length() {
        return Duration.between(start, end);
    }

    public Owner owner() {
        return new Owner(patient, device);
    }

    /** The device segment of a reading key ({@code gatewayId/deviceId[.uN]/moment/mdc}, see CONTRACT.md). */
    private static String deviceOf(String readingKey) {
        int first = readingKey.indexOf('/');
        return readingKey.substring(first + 1, readingKey.indexOf('/', first + 1));
    }
}
