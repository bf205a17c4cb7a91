package io.vitalwire.gateway.ble.bluez;

/**
 * The configured adapter as BlueZ last reported it, and whether the discovery running on it is the gateway's (only
 * the gateway's own discovery is stopped by the gateway). Loop thread only.
 */
final class BluezAdapter {

    final String path;
    private boolean present;
    private boolean powered;
    private boolean discovering;
    private boolean ourDiscovery;

    BluezAdapter(String path) {
        this.path = path;
    }

    /** The adapter object as in a snapshot or InterfacesAdded; other adapters are ignored. */
    void seen(BluezObject.Adapter adapter) {
        if (adapter.path().equals(path)) {
            present = true;
            powered = adapter.powered();
            discovering = adapter.discovering();
        }
    }

    /** The adapter is gone, or everything known about BlueZ is void. */
    void forget() {
        present = false;
        powered = false;
        discovering = false;
        ourDiscovery = false;
    }

    /**
     * Applies a PropertiesChanged of this adapter.
     *
     * @return whether the power state flipped (links must follow)
     */
    boolean changed(BluezEvent.AdapterChanged change) {
        if (!change.path().equals(path)) {
            return false;
        }
        if (change.discovering() != null) {
            discovering = change.discovering();
            if (!discovering) {
                ourDiscovery = false;
            }
        }
        if (change.powered() != null && change.powered() != powered) {
            powered = change.powered();
            return true;
        }
        return false;
    }

    void discoveryStarted() {
        discovering = true;
        ourDiscovery = true;
    }

    void discoveryStopped() {
        ourDiscovery = false;
    }

    boolean isUsable() {
        return present && powered;
    }

    boolean present() {
        return present;
    }

    boolean powered() {
        return powered;
    }

    boolean discovering() {
        return discovering;
    }

    boolean ourDiscovery() {
        return ourDiscovery;
    }
}
