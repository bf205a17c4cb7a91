package io.vitalwire.gateway.ble.bluez;

import io.vitalwire.gateway.ble.gatt.HealthCharacteristic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows Record Access Control Point transfers of stored records: asks a pulse oximeter for its stored spot-checks
 * and deletes them on the device only once the report succeeded and every one of them is durable; counts how a
 * glucose meter's transfers end. Every step is counted in {@code vitalwire.ble.stored-records}.
 */
final class StoredRecordTransfers {

    private static final Logger LOG = LoggerFactory.getLogger(StoredRecordTransfers.class);
    private static final String SPOT_CHECK = HealthCharacteristic.PLX_SPOT_CHECK_MEASUREMENT.hex();

    private final DeviceSetup setup;
    private final BusSession bus;
    private final BleCounters counters;

    StoredRecordTransfers(DeviceSetup setup, BusSession bus, BleCounters counters) {
        this.setup = setup;
        this.bus = bus;
        this.counters = counters;
    }

    /** Report Stored Records (all) to a pulse oximeter that stores spot-checks: the transfer begun, or null. */
    SpotCheckTransfer requestSpotChecks(DeviceLink link) throws BluezException {
        if (!setup.requestStoredSpotChecks(link)) {
            return null;
        }
        counters.storedRecords("requested", SPOT_CHECK);
        return new SpotCheckTransfer();
    }

    /**
     * A record from the device's memory rather than a value just taken: every glucose record (the Glucose Profile
     * delivers records through the Record Access Control Point) and the spot-checks of a stored-records transfer.
     */
    boolean isStoredRecord(DeviceLink link, HealthCharacteristic characteristic) {
        SpotCheckTransfer transfer = link.transfer();
        return characteristic == HealthCharacteristic.GLUCOSE_MEASUREMENT
                || characteristic == HealthCharacteristic.GLUCOSE_MEASUREMENT_CONTEXT
                || (characteristic == HealthCharacteristic.PLX_SPOT_CHECK_MEASUREMENT && transfer != null
                        && transfer.phase() == SpotCheckTransfer.Phase.REPORTING);
    }

    /**
     * A spot-check went to the intake. Every one between the request and the response counts: deleting is allowed
     * only if all are durable (a live one among them is harmless: it is in the buffer too, or it blocks the delete).
     */
    void spotCheckDelivered(DeviceLink link, boolean durable) {
        SpotCheckTransfer transfer = link.transfer();
        if (transfer != null) {
            transfer.recordArrived(durable);
        }
    }

    /** An indication of the RACP: the response that ends a transfer (or its delete). */
    void response(DeviceLink link, byte[] value) {
        SpotCheckTransfer transfer = link.transfer();
        if (transfer != null) {
            spotCheckResponse(link, transfer, value);
            return;
        }
        if (value.length >= 4 && (value[0] & 0xFF) == DeviceSetup.RACP_RESPONSE_CODE) {
            int code = value[3] & 0xFF;
            String outcome = code == DeviceSetup.RACP_SUCCESS ? "racp-complete"
                    : code == DeviceSetup.RACP_NO_RECORDS_FOUND ? "racp-no-records" : "racp-error";
            counters.event(outcome);
            LOG.info("device {}: stored records transfer ended ({})", link.alias, outcome);
        }
    }

    /**
     * The oximeter's RACP answered. After Report Stored Records succeeded and every record of the transfer is durable
     * (committed, or already known by its key), Delete Stored Records (all), so the next connection brings only new
     * records; otherwise nothing is deleted and the records come again next time, recognised by their keys.
     */
    private void spotCheckResponse(DeviceLink link, SpotCheckTransfer transfer, byte[] value) {
        if (value.length < 4 || (value[0] & 0xFF) != DeviceSetup.RACP_RESPONSE_CODE) {
            LOG.info("device {}: unexpected RACP indication of {} octets ignored", link.alias, value.length);
            return;
        }
        int request = value[2] & 0xFF;
        int code = value[3] & 0xFF;
        if (transfer.phase() == SpotCheckTransfer.Phase.DELETING) {
            if (request == DeviceSetup.RACP_DELETE_STORED_RECORDS) {
                deleteResponse(link, code);
            }
            return;
        }
        if (request != DeviceSetup.RACP_REPORT_STORED_RECORDS) {
            return;
        }
        if (code == DeviceSetup.RACP_NO_RECORDS_FOUND) {
            end(link, "no-records");
            LOG.info("device {}: no stored spot-checks", link.alias);
            return;
        }
        if (code != DeviceSetup.RACP_SUCCESS) {
            end(link, "transfer-failed");
            LOG.info("device {}: stored spot-check transfer failed (response code {}); nothing deleted",
                    link.alias, code);
            return;
        }
        counters.storedRecords("transfer-complete", SPOT_CHECK);
        if (!transfer.allDurable()) {
            end(link, "kept-not-durable");
            LOG.warn("device {}: {} stored spot-checks transferred, not all reached the buffer; nothing deleted",
                    link.alias, transfer.records());
            return;
        }
        delete(link, transfer);
    }

    private void delete(DeviceLink link, SpotCheckTransfer transfer) {
        try {
            setup.deleteAllStoredRecords(link);
            transfer.deleteRequested();
            counters.storedRecords("delete-requested", SPOT_CHECK);
            LOG.info("device {}: {} stored spot-checks durable; deleting them on the device", link.alias,
                    transfer.records());
        } catch (BluezException e) {
            end(link, "delete-failed");
            LOG.info("device {}: delete of stored spot-checks not sent ({})", link.alias, e.getMessage());
            if (e.kind() == BluezException.Kind.BUS_LOST) {
                bus.lost(e.getMessage());
            }
        }
    }

    private void deleteResponse(DeviceLink link, int code) {
        boolean deleted = code == DeviceSetup.RACP_SUCCESS;
        end(link, deleted ? "deleted" : "delete-failed");
        LOG.info("device {}: stored spot-checks {}", link.alias,
                deleted ? "deleted" : "not deleted (response code " + code + ")");
    }

    /** The link ended with a transfer under way: nothing was deleted; the records come again next time. */
    void abandon(DeviceLink link) {
        SpotCheckTransfer transfer = link.transfer();
        if (transfer != null) {
            end(link, transfer.phase() == SpotCheckTransfer.Phase.DELETING ? "delete-unconfirmed"
                    : "transfer-interrupted");
        }
    }

    private void end(DeviceLink link, String outcome) {
        link.endTransfer();
        counters.storedRecords(outcome, SPOT_CHECK);
    }
}
