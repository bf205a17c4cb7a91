package io.vitalwire.ingest.installation;

import java.time.Instant;

/**
 * Where a device is installed: the one hub whose readings of it are taken.
 *
 * @param device      the device's stable id ({@code sn.…} or {@code bd.…}, as in the inbox)
 * @param hub         the hub it is installed at
 * @param installedAt when this installation was recorded
 * @param installedBy who recorded it: an operator (the admin API's actor), or {@link #FIRST_USE}
 */
public record Installation(String device, Hub hub, Instant installedAt, String installedBy) {

    /** The actor of an installation bound on first use (see {@link FirstUse#BIND}). */
    public static final String FIRST_USE = "first-use";
}
