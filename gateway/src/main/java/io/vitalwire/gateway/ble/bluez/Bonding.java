package io.vitalwire.gateway.ble.bluez;

/**
 * How the gateway may bond with one allow-listed device, as its allow-list entry says. Bonding is what makes an
 * address worth trusting: a bonded device's link is encrypted with the keys exchanged at bonding, which a neighbour
 * that copies its address (or its serial) does not have.
 */
public sealed interface Bonding {

    /**
     * Passkey entry with the 6-digit passkey printed on the device: authenticated (MITM-protected) bonding. The
     * gateway bonds before it reads anything from the device, and answers BlueZ's RequestPasskey with this passkey,
     * for this device only.
     */
    record Passkey(int value) implements Bonding {

        public Passkey {
            if (value < 0 || value > 999_999) {
                throw new IllegalArgumentException("a passkey has at most 6 decimal digits");
            }
        }

        @Override
        public String toString() {
            return "Passkey[******]"; // never in a log line
        }
    }

    /**
     * "Just works" (unauthenticated) bonding, for a device that has no passkey and only when the entry says so: done
     * when the device asks for a bonded link (NotPermitted or NotAuthorized on a read or a subscription).
     */
    record JustWorks() implements Bonding {
    }

    /** No bonding configured: a device that asks for it is reported and left unbonded. */
    record None() implements Bonding {
    }

    /** Whether the gateway bonds before it sets the device up, rather than when the device asks. */
    default boolean bondsFirst() {
        return this instanceof Passkey;
    }
}
