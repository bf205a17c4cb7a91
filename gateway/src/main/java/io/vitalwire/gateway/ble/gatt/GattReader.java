package io.vitalwire.gateway.ble.gatt;

/**
 * Reads a characteristic value field by field, little-endian as GATT sends it. Every read names its field, so that a
 * value cut short fails with the name of what is missing.
 */
final class GattReader {

    private final String characteristic;
    private final byte[] value;
    private int offset;

    GattReader(String characteristic, byte[] value) {
        this.characteristic = characteristic;
        this.value = value;
    }

    int uint8(String field) throws GattDecodeException {
        require(field, 1);
        return value[offset++] & 0xFF;
    }

    int uint16(String field) throws GattDecodeException {
        require(field, 2);
        int v = (value[offset] & 0xFF) | (value[offset + 1] & 0xFF) << 8;
        offset += 2;
        return v;
    }

    int sint16(String field) throws GattDecodeException {
        return (short) uint16(field);
    }

    int uint24(String field) throws GattDecodeException {
        require(field, 3);
        int v = (value[offset] & 0xFF) | (value[offset + 1] & 0xFF) << 8 | (value[offset + 2] & 0xFF) << 16;
        offset += 3;
        return v;
    }

    int int32(String field) throws GattDecodeException {
        require(field, 4);
        int v = (value[offset] & 0xFF) | (value[offset + 1] & 0xFF) << 8 | (value[offset + 2] & 0xFF) << 16
                | (value[offset + 3] & 0xFF) << 24;
        offset += 4;
        return v;
    }

    MedFloat sfloat(String field) throws GattDecodeException {
        return MedFloat.sfloat(uint16(field));
    }

    MedFloat float32(String field) throws GattDecodeException {
        return MedFloat.float32(int32(field));
    }

    GattDateTime dateTime(String field) throws GattDecodeException {
        require(field, 7);
        int year = uint16(field);
        return new GattDateTime(year, uint8(field), uint8(field), uint8(field), uint8(field), uint8(field));
    }

    /** Octets not read yet: later versions of a characteristic append fields, which a receiver skips. */
    int remaining() {
        return value.length - offset;
    }

    private void require(String field, int octets) throws GattDecodeException {
        if (value.length - offset < octets) {
            throw new GattDecodeException(characteristic + ": field '" + field + "' is missing (needs " + octets
                    + " octet" + (octets == 1 ? "" : "s") + " at offset " + offset + ", " + (value.length - offset)
                    + " left)");
        }
    }
}
