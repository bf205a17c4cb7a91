package io.vitalwire.sims.bluez;

import org.bluez.AgentManager1;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.connections.AbstractConnection;

/** org.bluez.AgentManager1 at /org/bluez: remembers the one registered pairing agent and who exported it. */
final class SimAgentManager implements AgentManager1 {

    /** A registered agent: the bus name of its client and its object path. */
    record Agent(String busName, String path, String capability) {
    }

    private volatile Agent agent;

    Agent agent() {
        return agent;
    }

    void forget() {
        agent = null;
    }

    @Override
    public void RegisterAgent(DBusPath path, String capability) {
        agent = new Agent(AbstractConnection.getCallInfo().getSource(), path.getPath(), capability);
    }

    @Override
    public void UnregisterAgent(DBusPath path) {
        Agent a = agent;
        if (a == null || !a.path().equals(path.getPath())) {
            throw BluezErrors.error("DoesNotExist", "Does Not Exist");
        }
        agent = null;
    }

    @Override
    public void RequestDefaultAgent(DBusPath path) {
        Agent a = agent;
        if (a == null || !a.path().equals(path.getPath())) {
            throw BluezErrors.error("DoesNotExist", "Does Not Exist");
        }
    }

    @Override
    public String getObjectPath() {
        return "/org/bluez";
    }
}
