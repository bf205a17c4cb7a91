package io.vitalwire.sims.bluez;

import org.freedesktop.dbus.exceptions.DBusExecutionException;

/** D-Bus errors with BlueZ's own names ({@code org.bluez.Error.NotPermitted} …), as real BlueZ sends them. */
final class BluezErrors {

    private BluezErrors() {
    }

    static DBusExecutionException error(String name, String message) {
        return switch (name) {
            case "NotReady" -> new org.bluez.Error.NotReady(message);
            case "NotPermitted" -> new org.bluez.Error.NotPermitted(message);
            case "NotSupported" -> new org.bluez.Error.NotSupported(message);
            case "AlreadyExists" -> new org.bluez.Error.AlreadyExists(message);
            case "DoesNotExist" -> new org.bluez.Error.DoesNotExist(message);
            case "AuthenticationRejected" -> new org.bluez.Error.AuthenticationRejected(message);
            case "AuthenticationFailed" -> new org.bluez.Error.AuthenticationFailed(message);
            default -> throw new IllegalArgumentException("no BlueZ error " + name);
        };
    }
}
