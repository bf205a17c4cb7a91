package io.vitalwire.ingest.tenancy;

/** What the first reading of a gateway that no tenant registration names does. */
public enum FirstReading {
    /**
     * Trust on first use: the gateway is registered under the tenant its topic names, audited (actor
     * {@code first-use}) and counted. Safe where the broker renders its ACL from the certificates
     * ({@code deploy/broker}): a gateway can then publish under its certificate's tenant only, so its first topic
     * names the tenant it was issued to.
     */
    BIND,
    /**
     * No reading is taken before an operator registered the gateway ({@code PUT /admin/gateways/{gateway}/tenant});
     * until then its readings are quarantined {@code TENANT_MISMATCH}, replayed once it is registered.
     */
    REQUIRE_REGISTRATION
}
