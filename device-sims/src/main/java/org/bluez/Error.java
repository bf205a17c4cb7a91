package org.bluez;

import org.freedesktop.dbus.exceptions.DBusExecutionException;

/**
 * The BlueZ D-Bus errors the simulated BlueZ answers with. dbus-java names the D-Bus error of an exception thrown by
 * an exported method after the exception's class ({@code org.bluez.Error$NotPermitted} →
 * {@code org.bluez.Error.NotPermitted}), so these classes are what makes the simulator's errors carry BlueZ's real
 * names. The gateway has its own copy for the receiving side; the two never share a JVM.
 */
public final class Error {

    private Error() {
    }

    /** {@code org.bluez.Error.NotReady}. */
    public static final class NotReady extends DBusExecutionException {
        public NotReady(String message) {
            super(message);
        }
    }

    /** {@code org.bluez.Error.NotPermitted}. */
    public static final class NotPermitted extends DBusExecutionException {
        public NotPermitted(String message) {
            super(message);
        }
    }

    /** {@code org.bluez.Error.NotSupported}. */
    public static final class NotSupported extends DBusExecutionException {
        public NotSupported(String message) {
            super(message);
        }
    }

    /** {@code org.bluez.Error.AlreadyExists}. */
    public static final class AlreadyExists extends DBusExecutionException {
        public AlreadyExists(String message) {
            super(message);
        }
    }

    /** {@code org.bluez.Error.DoesNotExist}. */
    public static final class DoesNotExist extends DBusExecutionException {
        public DoesNotExist(String message) {
            super(message);
        }
    }

    /** {@code org.bluez.Error.AuthenticationRejected}. */
    public static final class AuthenticationRejected extends DBusExecutionException {
        public AuthenticationRejected(String message) {
            super(message);
        }
    }
}
