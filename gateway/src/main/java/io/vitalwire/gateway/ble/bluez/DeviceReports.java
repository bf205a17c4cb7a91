package io.vitalwire.gateway.ble.bluez;

import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.contract.ReadingKey;
import io.vitalwire.gateway.events.DeviceEvent;
import io.vitalwire.gateway.events.DeviceEvents;
import java.time.Clock;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;

/**
 * Tells the gateway's {@link DeviceEvents} what becomes of the devices' connections and batteries: connected once a
 * link is set up, with the Battery Level read then; a level each time the device notifies a different one; and
 * disconnected once a link reported connected is no longer up — whichever way it ended (the device, a deadline, a
 * failed step, BlueZ removing it, the adapter going off, the bus lost). That last check runs after every step on the
 * loop ({@link #settle}), so no way out of a connection is missed and none needs a call of its own. Loop thread only.
 */
final class DeviceReports {

    /** A link reported connected: its device's id and the last battery level reported, if any. */
    private record Reported(DeviceLink link, String device, Integer level) {
    }

    private final Map<String, Reported> byPath = new HashMap<>();
    private final DeviceEvents events;
    private final Clock clock;

    DeviceReports(DeviceEvents events, Clock clock) {
        this.events = events;
        this.clock = clock;
    }

    /** The link was just set up (it is ACTIVE and knows its device): connected, and the battery as read. */
    void ready(DeviceLink link) {
        ConnectedDevice device = link.device();
        String id = ReadingKey.deviceId(device.identity());
        Reported before = byPath.get(link.path);
        if (before == null || before.link() != link) {
            events.report(new DeviceEvent.Connected(id, clock.instant()));
        }
        Integer level = percent(device.batteryPercent());
        link.batteryPercent(level);
        if (level != null) {
            // Every connection reports its reading: the cloud decides what is worth telling anyone.
            events.report(new DeviceEvent.Battery(id, level, clock.instant()));
        }
        byPath.put(link.path, new Reported(link, id, level));
    }

    /**
     * A Battery Level value from the device (a notification, or BlueZ echoing a read). Reported when the link is set up
     * and the level differs from the last one reported; before the set-up, the set-up's own read reports it.
     */
    void battery(DeviceLink link, byte[] value) {
        Reported reported = byPath.get(link.path);
        if (reported == null || reported.link() != link || value.length == 0) {
            return;
        }
        Integer level = percent(value[0] & 0xFF);
        if (level == null || Objects.equals(level, reported.level())) {
            return;
        }
        events.report(new DeviceEvent.Battery(reported.device(), level, clock.instant()));
        link.batteryPercent(level);
        byPath.put(link.path, new Reported(link, reported.device(), level));
    }

    /**
     * The gateway refused to serve this allow-listed device ({@code pairing-failed}, {@code bonding-not-allowed},
     * {@code serial-mismatch}): named by its entry's serial where the entry gives one (how the cloud knows the
     * patient's device), else by its identity address; never by anything the device itself claimed.
     */
    void refused(DeviceLink link, String reason) {
        String serial = link.entry == null ? null : link.entry.serial();
        String id = ReadingKey.deviceId(new DeviceIdentity(null, null, serial, serial == null ? link.address : null,
                null));
        events.report(new DeviceEvent.Refused(id, reason, clock.instant()));
    }

    /** Bonded from the installer's page: named by its identity address, the one thing known of it before it connects. */
    void paired(DeviceLink link) {
        String id = ReadingKey.deviceId(new DeviceIdentity(null, null, null, link.address, null));
        events.report(new DeviceEvent.Paired(id, clock.instant()));
    }

    /** After a step: every link reported connected that is no longer up, or no longer BlueZ's, is disconnected. */
    void settle(DeviceLinks links) {
        for (Iterator<Reported> it = byPath.values().iterator(); it.hasNext(); ) {
            Reported reported = it.next();
            if (!links.isCurrent(reported.link()) || !reported.link().isUp()) {
                events.report(new DeviceEvent.Disconnected(reported.device(), clock.instant()));
                it.remove();
            }
        }
    }

    /** Battery Level is 0–100 %; 101–255 are reserved, and not a level. */
    private static Integer percent(Integer value) {
        return value == null || value < 0 || value > 100 ? null : value;
    }
}
