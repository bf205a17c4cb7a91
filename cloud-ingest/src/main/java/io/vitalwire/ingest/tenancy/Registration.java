package io.vitalwire.ingest.tenancy;

import java.time.Instant;

/**
 * The tenant a gateway belongs to: the one tenant under which its readings are taken.
 *
 * @param gateway      the gateway's id (its certificate's CN, the topic's gateway level)
 * @param tenant       its tenant
 * @param registeredAt when this registration was recorded
 * @param registeredBy who recorded it: an operator (the admin API's actor), or {@link #FIRST_USE}
 */
public record Registration(String gateway, String tenant, Instant registeredAt, String registeredBy) {

    /** The actor of a registration made by a gateway's first reading (see {@link FirstReading#BIND}). */
    public static final String FIRST_USE = "first-use";
}
