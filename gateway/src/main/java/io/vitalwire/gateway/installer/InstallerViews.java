package io.vitalwire.gateway.installer;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** What the installer's API answers and takes: records, so the OpenAPI document describes each field. */
final class InstallerViews {

    private InstallerViews() {
    }

    /** The installer code, as typed. */
    @Schema(description = "the installer code printed on the hub's label; case, spaces and dashes do not matter")
    record Unlock(@Schema(example = "7KQ2M-XR4PD") String code) {
    }

    /**
     * A refused code.
     *
     * @param error             what went wrong, for the page to show
     * @param attemptsLeft      wrong codes this address may still type before it is locked out, or null
     * @param retryAfterSeconds while locked out: seconds until it may try again, or null
     */
    record Refused(String error, Integer attemptsLeft, Long retryAfterSeconds) {
    }

    /**
     * The hub as the installer needs to see it.
     *
     * @param gateway              the hub's id
     * @param software             its software version
     * @param uplink               {@code connected}, {@code connecting} or {@code stopped}
     * @param unsent               readings not yet delivered to the cloud
     * @param oldestUnsentSeconds  age of the oldest of them, or null: none
     * @param configVersion        the configuration from the cloud applied, or null: none yet (local configuration)
     * @param ble                  the BLE adapter
     */
    record Hub(String gateway, String software, String uplink, long unsent, Long oldestUnsentSeconds,
               Long configVersion, Ble ble) {
    }

    /**
     * @param enabled        BLE is enabled on this hub
     * @param adapterPowered the adapter is present and on
     * @param scanning       BlueZ is discovering now
     */
    record Ble(boolean enabled, boolean adapterPowered, boolean scanning) {
    }

    /** The health devices nearby, whether BLE is on and whether BlueZ is discovering now. */
    record Devices(boolean bleEnabled, boolean scanning, List<Device> devices) {
    }

    /**
     * One health device; never a value it measured.
     *
     * @param address        its BLE address
     * @param name           what it calls itself, or null
     * @param kind           heart-rate, blood-pressure, thermometer, weight-scale, glucose-meter or pulse-oximeter
     * @param status         {@code assigned} (the hub serves it), {@code paired} (bonded, waiting for the clinic to
     *                       assign it to this hub) or {@code not-paired}
     * @param connected      connected now
     * @param batteryPercent battery level last reported, or null
     * @param lastReadingAt  when the hub last stored a reading of it (ISO-8601, UTC), or null
     */
    record Device(@Schema(example = "C0:1D:00:00:00:02") String address, String name,
                  @Schema(example = "blood-pressure") String kind,
                  @Schema(allowableValues = {"assigned", "paired", "not-paired"}) String status, boolean connected,
                  Integer batteryPercent, @Schema(example = "2026-12-03T17:09:15.225Z") String lastReadingAt) {
    }

    /** A scan asked for: BlueZ discovers until {@code until} (ISO-8601, UTC). */
    record Scan(@Schema(example = "2026-12-03T17:09:45Z") String until) {
    }

    /** The passkey the device shows or has printed on it; null or empty for a device without one (just works). */
    record Pair(@Schema(example = "123456", nullable = true) String passkey) {
    }

    /**
     * What became of a bonding.
     *
     * @param outcome {@code paired}, {@code already-paired}, {@code rejected}, {@code not-found} or {@code failed}
     * @param message for the page to show
     */
    record Paired(String outcome, String message) {
    }
}
