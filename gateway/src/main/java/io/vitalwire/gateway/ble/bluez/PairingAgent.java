package io.vitalwire.gateway.ble.bluez;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bluez.Agent1;
import org.bluez.exceptions.BluezRejectedException;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.types.UInt16;
import org.freedesktop.dbus.types.UInt32;

/**
 * The gateway's BlueZ pairing agent (org.bluez.Agent1). It answers only for a bonding the gateway itself started
 * with {@link DbusBluezClient#pair}, and only as that device's allow-list entry says: RequestPasskey with the entry's
 * passkey, a just-works confirmation only for an entry that allows just works. Anything else asking to pair with the
 * hub (a neighbour's device, a phone) is rejected.
 *
 * <p>Its capability ({@link #capability}): {@code KeyboardOnly} when some entry has a passkey, so that BlueZ asks it
 * for the passkey of a device that displays or prints one (passkey entry, authenticated); else
 * {@code NoInputNoOutput}: a headless hub that bonds with just works only.
 */
final class PairingAgent implements Agent1 {

    /** The bondings under way: device path → how it may bond. */
    private final Map<String, Bonding> expected = new ConcurrentHashMap<>();

    /** The capability to register with: KeyboardOnly if any device bonds with a passkey. */
    static String capability(boolean anyPasskey) {
        return anyPasskey ? "KeyboardOnly" : "NoInputNoOutput";
    }

    void expect(String devicePath, Bonding bonding) {
        expected.put(devicePath, bonding);
    }

    void forget(String devicePath) {
        expected.remove(devicePath);
    }

    @Override
    public void Release() {
        expected.clear();
    }

    @Override
    public String RequestPinCode(DBusPath device) throws BluezRejectedException {
        // PIN codes are BR/EDR legacy pairing; the health devices served here are LE.
        throw new BluezRejectedException("no PIN codes: only LE passkeys are entered on this gateway");
    }

    @Override
    public void DisplayPinCode(DBusPath device, String pincode) throws BluezRejectedException {
        throw new BluezRejectedException("no output: a PIN cannot be displayed on this gateway");
    }

    @Override
    public UInt32 RequestPasskey(DBusPath device) throws BluezRejectedException {
        if (expected.get(device.getPath()) instanceof Bonding.Passkey passkey) {
            return new UInt32(passkey.value());
        }
        throw new BluezRejectedException("no passkey configured for this bonding");
    }

    @Override
    public void DisplayPasskey(DBusPath device, UInt32 passkey, UInt16 entered) {
        // Nothing to display on; BlueZ does not expect an answer.
    }

    @Override
    public void RequestConfirmation(DBusPath device, UInt32 passkey) throws BluezRejectedException {
        // Numeric comparison needs someone to compare; with no one, only an entry allowing just works accepts it.
        requireJustWorks(device);
    }

    @Override
    public void RequestAuthorization(DBusPath device) throws BluezRejectedException {
        requireJustWorks(device);
    }

    @Override
    public void AuthorizeService(DBusPath device, String uuid) throws BluezRejectedException {
        if (!expected.containsKey(device.getPath())) {
            throw new BluezRejectedException("pairing not started by this gateway");
        }
    }

    @Override
    public void Cancel() {
        // A pairing in progress was cancelled by BlueZ; Pair() reports the failure to the caller.
    }

    @Override
    public String getObjectPath() {
        return DbusBluezClient.AGENT_PATH;
    }

    private void requireJustWorks(DBusPath device) throws BluezRejectedException {
        if (!(expected.get(device.getPath()) instanceof Bonding.JustWorks)) {
            throw new BluezRejectedException("pairing not started by this gateway, or not allowed without its "
                    + "passkey");
        }
    }
}
