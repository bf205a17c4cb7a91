package io.vitalwire.gateway.ble.gatt;

/**
 * A characteristic value that does not decode: too short for a field its flags announce, or not a value of that
 * characteristic at all. The only exception a decoder throws; the message names the characteristic and the field.
 */
public final class GattDecodeException extends Exception {

    public GattDecodeException(String message) {
        super(message);
    }
}
