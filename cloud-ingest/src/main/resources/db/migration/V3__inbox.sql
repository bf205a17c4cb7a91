-- The durable inbox. A message's readings are committed here, and only then is the MQTT message acknowledged;
-- workers on every replica then take each reading through the stages RESOLVE (whose patient), FHIR and INFLUX.
-- See io.vitalwire.ingest.inbox.Inbox.

-- One row per reading key: a reading redelivered in the same or another message is not added again
-- (INSERT ... ON CONFLICT (reading_key) DO NOTHING). Purged once every stage is done, after a retention.
CREATE TABLE inbox (
    id          BIGSERIAL   PRIMARY KEY,
    reading_key TEXT        NOT NULL UNIQUE,
    topic       TEXT        NOT NULL,
    -- the device's stable id (sn.…, bd.…): the unit of ordering and of claiming
    device      TEXT        NOT NULL,
    measured_at TIMESTAMPTZ NOT NULL,
    received_at TIMESTAMPTZ NOT NULL,
    -- the reading as the contract's JSON (it holds the values: purged with the row)
    reading     BYTEA       NOT NULL,
    -- set by the RESOLVE stage: the owner at measured_at (FHIR references), read by both sinks so that FHIR and
    -- InfluxDB can never disagree about whose reading it is
    patient     TEXT,
    device_ref  TEXT
);
CREATE INDEX inbox_received ON inbox (received_at);

-- One row per entry and stage, from the moment the stage has work for the entry: RESOLVE when the entry is added,
-- FHIR and INFLUX when RESOLVE found the owner. state is InboxState: PENDING (to do, not before next_at),
-- DONE (outcome says how) or QUARANTINED (outcome is the reason). device, measured_at and received_at are the
-- entry's, copied so that claiming and the depth gauges read this table only.
CREATE TABLE inbox_delivery (
    entry_id    BIGINT      NOT NULL REFERENCES inbox (id) ON DELETE CASCADE,
    stage       TEXT        NOT NULL CHECK (stage IN ('RESOLVE', 'FHIR', 'INFLUX')),
    device      TEXT        NOT NULL,
    measured_at TIMESTAMPTZ NOT NULL,
    received_at TIMESTAMPTZ NOT NULL,
    state       TEXT        NOT NULL CHECK (state IN ('PENDING', 'DONE', 'QUARANTINED')),
    next_at     TIMESTAMPTZ NOT NULL,
    attempts    INT         NOT NULL DEFAULT 0,
    last_error  TEXT,
    outcome     TEXT,
    done_at     TIMESTAMPTZ,
    PRIMARY KEY (entry_id, stage)
);
CREATE INDEX inbox_delivery_pending ON inbox_delivery (stage, device, measured_at, entry_id) WHERE state = 'PENDING';
