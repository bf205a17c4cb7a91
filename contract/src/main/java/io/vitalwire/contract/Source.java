package io.vitalwire.contract;

import java.util.regex.Pattern;

/**
 * Where on the device the reading came from.
 *
 * @param transport BLE or CoAP
 * @param ref       the 16-bit GATT characteristic (e.g. "2A35") for BLE, the resource path (e.g. "/readings") for CoAP
 */
public record Source(Transport transport, String ref) {

    private static final Pattern REF = Pattern.compile("[0-9A-F]{4}|/[A-Za-z0-9/_.-]{0,127}");

    public Source {
        FieldViolation.required("source.transport", transport);
        FieldViolation.matching("source.ref", ref, REF);
    }
}
