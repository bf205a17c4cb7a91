-- Each hub's configuration from the cloud (issue 16, point 2; contract 1.2, the retained config channel). One row
-- per gateway an operator configured (PUT /admin/gateways/{gateway}/config); a gateway without one gets no
-- configuration and runs on its local one. spec: what the operator asked for (JSON: devices absent means "from the
-- device registry", i.e. the devices device_installation names at this hub; settings). document: the GatewayConfig
-- issued for version, exactly as published retained on vitalwire/v1/{tenant}/{gateway}/config. published_version:
-- the last version the broker acknowledged, so that one not yet published is retried. See
-- io.vitalwire.ingest.gatewayconfig. (V20, not V19: another change in flight may take V19.)
CREATE TABLE gateway_config (
    gateway           TEXT        PRIMARY KEY,
    tenant            TEXT        NOT NULL,
    version           BIGINT      NOT NULL CHECK (version > 0),
    spec              JSONB       NOT NULL,
    document          TEXT        NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL,
    updated_by        TEXT        NOT NULL,
    published_version BIGINT      NOT NULL DEFAULT 0
);
CREATE INDEX gateway_config_unpublished ON gateway_config (gateway) WHERE published_version < version;

-- Every version issued: who (an operator's token subject, or 'installation' when a device's installation at the hub
-- changed its registry-derived allow-list), when, why, and the document. Never updated or deleted by the service.
CREATE TABLE gateway_config_audit (
    id         BIGSERIAL   PRIMARY KEY,
    gateway    TEXT        NOT NULL,
    tenant     TEXT        NOT NULL,
    version    BIGINT      NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL,
    changed_by TEXT        NOT NULL,
    cause      TEXT        NOT NULL,
    note       TEXT,
    document   TEXT        NOT NULL
);
CREATE INDEX gateway_config_audit_gateway ON gateway_config_audit (gateway, id);
