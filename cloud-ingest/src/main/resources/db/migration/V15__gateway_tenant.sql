-- Tenants are isolated (issue 14, point 3). The broker lets a gateway write only below the tenant its certificate
-- was issued to; cloud-ingest, which never sees certificates, keeps its own record of which tenant each gateway
-- belongs to, and a reading whose topic names another tenant is quarantined TENANT_MISMATCH. Written on a gateway's
-- first reading (registered_by 'first-use', if vitalwire.ingest.tenancy.first-use is BIND) or by an operator
-- (PUT /admin/gateways/{gateway}/tenant). See io.vitalwire.ingest.tenancy.
CREATE TABLE gateway_tenant (
    gateway       TEXT        PRIMARY KEY,
    tenant        TEXT        NOT NULL,
    registered_at TIMESTAMPTZ NOT NULL,
    registered_by TEXT        NOT NULL
);

-- Every registration and move between tenants: who, when, the tenant before (NULL for the first) and after.
-- reading_key: the reading that registered the gateway on first use. Never updated or deleted by the service.
CREATE TABLE gateway_tenant_audit (
    id            BIGSERIAL   PRIMARY KEY,
    gateway       TEXT        NOT NULL,
    changed_at    TIMESTAMPTZ NOT NULL,
    changed_by    TEXT        NOT NULL,
    before_tenant TEXT,
    after_tenant  TEXT        NOT NULL,
    reading_key   TEXT,
    note          TEXT
);
CREATE INDEX gateway_tenant_audit_gateway ON gateway_tenant_audit (gateway, id);
