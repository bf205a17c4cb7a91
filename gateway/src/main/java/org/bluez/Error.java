package org.bluez;

import org.freedesktop.dbus.exceptions.DBusExecutionException;

/**
 * BlueZ's D-Bus error names ({@code org.bluez.Error.NotPermitted} …) as classes, for the gateway's BlueZ client.
 * dbus-java turns a D-Bus error into the exception class whose binary name matches the error name
 * ({@code org.bluez.Error$NotPermitted}) and into a nameless exception when there is none; bluez-dbus's own
 * exceptions are named differently, so without these the error name, which decides recovery (pair, retry, forget),
 * would be lost. This package is BlueZ's namespace, not ours: nothing else of the gateway lives here.
 */
public final class Error {

    private Error() {
    }

    /** {@code org.bluez.Error.Failed}. */
    public static final class Failed extends DBusExecutionException {
        public Failed(String message) {
            super(message);
        }
    }

    /** {@code org.bluez.Error.InProgress}. */
    public static final class InProgress extends DBusExecutionException {
        public InProgress(String message) {
            super(message);
        }
    }

    /** {@code org.bluez.Error.NotReady}. */
    public static final class NotReady extends DBusExecutionException {
        public NotReady(String message) {
            super(message);
        }
    }

    /** {@code org.bluez.Error.NotConnected}. */
    public static final class NotConnected extends DBusExecutionException {
        public NotConnected(String message) {
            super(message);
        }
    }

    /** {@code org.bluez.Error.AlreadyConnected}. */
    public static final class AlreadyConnected extends DBusExecutionException {
        public AlreadyConnected(String message) {
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

    /** {@code org.bluez.Error.NotPermitted}. */
    public static final class NotPermitted extends DBusExecutionException {
        public NotPermitted(String message) {
            super(message);
        }
    }

    /** {@code org.bluez.Error.NotAuthorized}. */
    public static final class NotAuthorized extends DBusExecutionException {
        public NotAuthorized(String message) {
            super(message);
        }
    }

    /** {@code org.bluez.Error.NotSupported}. */
    public static final class NotSupported extends DBusExecutionException {
        public NotSupported(String message) {
            super(message);
        }
    }

    /** {@code org.bluez.Error.NotAvailable}. */
    public static final class NotAvailable extends DBusExecutionException {
        public NotAvailable(String message) {
            super(message);
        }
    }

    /** {@code org.bluez.Error.InvalidArguments}. */
    public static final class InvalidArguments extends DBusExecutionException {
        public InvalidArguments(String message) {
            super(message);
        }
    }

    /** {@code org.bluez.Error.AuthenticationFailed}. */
    public static final class AuthenticationFailed extends DBusExecutionException {
        public AuthenticationFailed(String message) {
            super(message);
        }
    }

    /** {@code org.bluez.Error.AuthenticationCanceled}. */
    public static final class AuthenticationCanceled extends DBusExecutionException {
        public AuthenticationCanceled(String message) {
            super(message);
        }
    }

    /** {@code org.bluez.Error.AuthenticationRejected}. */
    public static final class AuthenticationRejected extends DBusExecutionException {
        public AuthenticationRejected(String message) {
            super(message);
        }
    }

    /** {@code org.bluez.Error.AuthenticationTimeout}. */
    public static final class AuthenticationTimeout extends DBusExecutionException {
        public AuthenticationTimeout(String message) {
            super(message);
        }
    }

    /** {@code org.bluez.Error.ConnectionAttemptFailed}. */
    public static final class ConnectionAttemptFailed extends DBusExecutionException {
        public ConnectionAttemptFailed(String message) {
            super(message);
        }
    }

    /** {@code org.bluez.Error.Rejected}. */
    public static final class Rejected extends DBusExecutionException {
        public Rejected(String message) {
            super(message);
        }
    }

    /** {@code org.bluez.Error.Canceled}. */
    public static final class Canceled extends DBusExecutionException {
        public Canceled(String message) {
            super(message);
        }
    }
}
