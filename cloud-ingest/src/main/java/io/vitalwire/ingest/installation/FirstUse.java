package io.vitalwire.ingest.installation;

/** What the first assigned reading of a device with no installation recorded does. */
public enum FirstUse {
    /**
     * Trust on first use: the device is installed at the hub that sent it, audited (actor {@code first-use}) with an
     * operator alarm (log warning, {@code vitalwire.ingest.installations{how=first-use}}). Only a reading whose
     * device FHIR has assigned to a patient binds, so a hub cannot claim a device before it is in use.
     */
    BIND,
    /**
     * No reading is taken before an operator installed the device ({@code PUT /admin/devices/{device}/gateway});
     * until then its readings are quarantined {@code DEVICE_NOT_AT_GATEWAY}, replayed once it is installed.
     */
    REQUIRE_INSTALLATION
}
