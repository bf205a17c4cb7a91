package io.vitalwire.ingest.fhir;

/** The code and identifier systems our FHIR resources use, in one place. */
public final class FhirSystems {

    public static final String LOINC = "http://loinc.org";
    public static final String UCUM = "http://unitsofmeasure.org";
    /** IEEE 11073-10101 nomenclature, as the HL7 Personal Health Device IG writes it. */
    public static final String MDC = "urn:iso:std:iso:11073:10101";
    public static final String OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";

    /** Observation.identifier: the reading's idempotency key, born at the gateway. */
    public static final String READING_KEY = "https://vitalwire.io/fhir/NamingSystem/reading-key";
    /**
     * Observation.identifier of a window of a continuous stream: the window's identity (device, code, start,
     * length, patient), see {@code StreamWindow}. The readings in it are found through cloud-ingest's explain API.
     */
    public static final String READING_WINDOW = "https://vitalwire.io/fhir/NamingSystem/reading-window";
    /** Device.identifier: the serial number from Device Information or the CoAP device's credentials. */
    public static final String DEVICE_SERIAL = "https://vitalwire.io/fhir/NamingSystem/device-serial";
    /** Device.identifier: the BLE device address, AA:BB:CC:DD:EE:FF. */
    public static final String BLE_ADDRESS = "https://vitalwire.io/fhir/NamingSystem/ble-address";

    /**
     * Observation.extension, valueCode: how the time of the measurement was decided, the contract's
     * {@code clockQuality} ({@code synced}, {@code corrected}, {@code uncorrected}, {@code receive-time}). A window's
     * Observation repeats it once per quality among its samples. See cloud-ingest's README.
     */
    public static final String CLOCK_QUALITY = "https://vitalwire.io/fhir/StructureDefinition/clock-quality";

    /**
     * DeviceUseStatement.extension, valueInteger: the user slot (the BLE user index, 0–254) of a multi-user device
     * (family BP cuff or scale) that the statement binds to its subject. A Device with at least one such statement is
     * multi-user: its readings are resolved by (device, user index) only, never by the Device alone. See
     * cloud-ingest's README ("Multi-user devices").
     */
    public static final String DEVICE_USER_INDEX = "https://vitalwire.io/fhir/StructureDefinition/device-user-index";

    private FhirSystems() {
    }
}
