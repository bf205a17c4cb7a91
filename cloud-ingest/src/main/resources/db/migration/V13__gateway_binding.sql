-- A device speaks only through its own home's hub (issue 14, point 2).

-- KEY_CONFLICT entries: the reading the key held when another measurement arrived under it (the payload), kept so
-- that a reviewer sees both after the inbox entry is purged. NULL for every other reason.
ALTER TABLE quarantine ADD COLUMN held_payload BYTEA;

-- Which hub each device is installed at: the one hub whose readings of it are taken (DEVICE_NOT_AT_GATEWAY
-- otherwise). device is the stable id (sn.…, bd.…) as in inbox.device; tenant and gateway are the topic's. Written
-- on a device's first assigned reading (installed_by 'first-use', if vitalwire.ingest.installation.first-use is
-- BIND) or by an operator (PUT /admin/devices/{device}/gateway). See io.vitalwire.ingest.installation.
CREATE TABLE device_installation (
    device       TEXT        PRIMARY KEY,
    tenant       TEXT        NOT NULL,
    gateway      TEXT        NOT NULL,
    installed_at TIMESTAMPTZ NOT NULL,
    installed_by TEXT        NOT NULL
);

-- Every installation and move: who, when, the hub before (NULL for the first) and after. reading_key: the reading
-- that bound the device on first use. Never updated or deleted by the service.
CREATE TABLE device_installation_audit (
    id             BIGSERIAL   PRIMARY KEY,
    device         TEXT        NOT NULL,
    changed_at     TIMESTAMPTZ NOT NULL,
    changed_by     TEXT        NOT NULL,
    before_tenant  TEXT,
    before_gateway TEXT,
    after_tenant   TEXT        NOT NULL,
    after_gateway  TEXT        NOT NULL,
    reading_key    TEXT,
    note           TEXT
);
CREATE INDEX device_installation_audit_device ON device_installation_audit (device, id);
