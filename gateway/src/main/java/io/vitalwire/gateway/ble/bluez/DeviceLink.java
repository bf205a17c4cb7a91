package io.vitalwire.gateway.ble.bluez;

import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.gateway.backoff.Backoff;
import io.vitalwire.gateway.ble.gatt.HealthCharacteristic;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The gateway's state for one BlueZ device object: what BlueZ last said about it, what the gateway learnt on the
 * connection (identity, clock offset) and where the connection is. Dies with the object path: a device that BlueZ
 * removes and re-adds gets a new link, so no stale handle survives.
 */
final class DeviceLink {

    /** Values that arrived before the device's identity was known; a bound keeps a chatty device from flooding. */
    private static final int MAX_PENDING = 256;

    final String path;
    final String address;
    final Set<Integer> serviceUuids16;
    /** characteristic path → 16-bit UUID, as BlueZ reported them; order kept so context comes before measurement. */
    final Map<String, Integer> characteristics = new LinkedHashMap<>();
    final Backoff backoff;
    final Deque<PendingValue> pending = new ArrayDeque<>();

    boolean connected;
    boolean servicesResolved;
    boolean paired;
    LinkState state = LinkState.IDLE;
    Instant deadline = Instant.MAX;
    Instant retryAt = Instant.MIN;
    DeviceIdentity identity;
    Long clockOffsetMillis;
    Integer batteryPercent;
    /** The stored spot-check transfer under way on this connection (Report Stored Records sent), or null. */
    StoredTransfer storedTransfer;
    /**
     * The buffer refused a glucose record on this connection: the record cursor stays where it is until the next
     * connection, so the refused record is asked for again instead of being skipped by a later one's number.
     */
    boolean glucoseCursorHeld;

    /**
     * One Report Stored Records transfer of a pulse oximeter: how many records came and whether every one of them
     * reached the buffer, which alone allows Delete Stored Records once the device reports success.
     */
    static final class StoredTransfer {
        int records;
        boolean allDurable = true;
        /** Delete Stored Records sent; its response is awaited. */
        boolean deleting;
    }

    /** A value received before the link was ready, kept with its original receive time. */
    record PendingValue(HealthCharacteristic characteristic, byte[] value, Instant receivedAt) {
    }

    DeviceLink(BluezObject.Device device, Backoff backoff) {
        this.path = device.path();
        this.address = device.address();
        this.serviceUuids16 = Set.copyOf(device.serviceUuids16());
        this.connected = device.connected();
        this.servicesResolved = device.servicesResolved();
        this.paired = device.paired();
        this.backoff = backoff;
    }

    /** Remembers a value for later; false if the bound is reached and the value had to be dropped. */
    boolean hold(PendingValue value) {
        if (pending.size() >= MAX_PENDING) {
            return false;
        }
        pending.add(value);
        return true;
    }

    /** The path of the first characteristic with this UUID, or null. */
    String pathOf(int uuid16) {
        for (Map.Entry<String, Integer> e : characteristics.entrySet()) {
            if (e.getValue() == uuid16) {
                return e.getKey();
            }
        }
        return null;
    }

    List<String> healthCharacteristicPaths() {
        List<String> paths = new ArrayList<>();
        characteristics.forEach((p, uuid) -> {
            if (HealthCharacteristic.of(uuid).isPresent()) {
                paths.add(p);
            }
        });
        return paths;
    }

    /**
     * Waits before the next attempt. The backoff is reset each time the link becomes active, so the first retry after
     * a normal disconnect comes quickly and a device that keeps failing is tried ever less often.
     */
    void retryLater(Instant now) {
        state = LinkState.WAITING;
        deadline = Instant.MAX;
        retryAt = now.plus(backoff.next());
        identity = null;
        clockOffsetMillis = null;
        storedTransfer = null;
        glucoseCursorHeld = false;
    }
}
