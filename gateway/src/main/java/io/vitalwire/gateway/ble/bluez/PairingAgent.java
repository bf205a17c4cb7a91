package io.vitalwire.gateway.ble.bluez;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.bluez.Agent1;
import org.bluez.exceptions.BluezRejectedException;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.types.UInt16;
import org.freedesktop.dbus.types.UInt32;

/**
 * The gateway's BlueZ pairing agent (org.bluez.Agent1), capability NoInputNoOutput: a headless hub cannot show or
 * type a passkey, so bonding is "just works". It confirms only pairings the gateway itself started with
 * {@link DbusBluezClient#pair}; anything else asking to pair with the hub is rejected.
 */
final class PairingAgent implements Agent1 {

    private final Set<String> expected = ConcurrentHashMap.newKeySet();

    void expect(String devicePath) {
        expected.add(devicePath);
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
        throw new BluezRejectedException("no input: a PIN cannot be entered on this gateway");
    }

    @Override
    public void DisplayPinCode(DBusPath device, String pincode) throws BluezRejectedException {
        throw new BluezRejectedException("no output: a PIN cannot be displayed on this gateway");
    }

    @Override
    public UInt32 RequestPasskey(DBusPath device) throws BluezRejectedException {
        throw new BluezRejectedException("no input: a passkey cannot be entered on this gateway");
    }

    @Override
    public void DisplayPasskey(DBusPath device, UInt32 passkey, UInt16 entered) {
        // Nothing to display on; BlueZ does not expect an answer.
    }

    @Override
    public void RequestConfirmation(DBusPath device, UInt32 passkey) throws BluezRejectedException {
        requireExpected(device);
    }

    @Override
    public void RequestAuthorization(DBusPath device) throws BluezRejectedException {
        requireExpected(device);
    }

    @Override
    public void AuthorizeService(DBusPath device, String uuid) throws BluezRejectedException {
        requireExpected(device);
    }

    @Override
    public void Cancel() {
        // A pairing in progress was cancelled by BlueZ; Pair() reports the failure to the caller.
    }

    @Override
    public String getObjectPath() {
        return DbusBluezClient.AGENT_PATH;
    }

    private void requireExpected(DBusPath device) throws BluezRejectedException {
        if (!expected.contains(device.getPath())) {
            throw new BluezRejectedException("pairing not started by this gateway");
        }
    }
}
