package io.vitalwire.gateway.ble.bluez;

/**
 * One Report Stored Records transfer of a pulse oximeter on one connection: how many records came and whether every
 * one of them reached the buffer, which alone allows Delete Stored Records once the device reports success.
 */
final class SpotCheckTransfer {

    /** Where the transfer is; it ends (and is dropped by its link) on the device's last response. */
    enum Phase {
        /** Report Stored Records sent: records arrive, then the device's response. */
        REPORTING,
        /** The report succeeded and every record is durable: Delete Stored Records sent, its response awaited. */
        DELETING
    }

    private Phase phase = Phase.REPORTING;
    private int records;
    private boolean allDurable = true;

    Phase phase() {
        return phase;
    }

    /** Counts a spot-check that arrived while reporting; false (not counted) once deleting. */
    boolean recordArrived(boolean durable) {
        if (phase != Phase.REPORTING) {
            return false;
        }
        records++;
        allDurable &= durable;
        return true;
    }

    /** REPORTING → DELETING, only when every record of the transfer is durable. */
    boolean deleteRequested() {
        if (phase != Phase.REPORTING || !allDurable) {
            return false;
        }
        phase = Phase.DELETING;
        return true;
    }

    int records() {
        return records;
    }

    boolean allDurable() {
        return allDurable;
    }
}
