package io.vitalwire.gateway.ble.bluez;

import java.time.Instant;

/**
 * A BLE health device as the installer's page shows it: never a value it measured.
 *
 * @param address        the address BlueZ presents it under (its identity address once known), upper case
 * @param name           what it calls itself, or null
 * @param kind           what it measures, by the health service it offers: {@code heart-rate}, {@code blood-pressure},
 *                       {@code thermometer}, {@code weight-scale}, {@code glucose-meter}, {@code pulse-oximeter}
 * @param paired         bonded with this hub
 * @param assigned       on the allow-list the hub runs on (the cloud's, else its local one): the hub serves it
 * @param connected      connected and set up now: its values flow
 * @param batteryPercent its battery level as last reported, or null
 * @param lastReadingAt  when the hub last stored a reading of it, or null: none since the hub started
 */
public record NearbyDevice(String address, String name, String kind, boolean paired, boolean assigned,
                           boolean connected, Integer batteryPercent, Instant lastReadingAt) {
}
