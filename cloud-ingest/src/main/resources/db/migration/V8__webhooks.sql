-- Clinician webhooks (Standard Webhooks): the endpoints, their secrets, and a durable outbox of deliveries. A
-- delivery row is committed in the transaction that commits its alert, so an alert decided is an alert delivered
-- even if the replica dies right after the decision. See io.vitalwire.ingest.notify.

-- Receivers. Filters: tenants and kinds (empty array = all), and the least severity sent (warning = every alert).
-- state is EndpointState: ENABLED, DISABLED (by an operator: deliveries wait), GONE (the receiver answered 410:
-- its deliveries were dead-lettered), DELETED (kept so that its deliveries stay listed; its secrets are erased).
CREATE TABLE webhook_endpoint (
    id            UUID        PRIMARY KEY,
    url           TEXT        NOT NULL,
    tenants       TEXT[]      NOT NULL DEFAULT '{}',
    kinds         TEXT[]      NOT NULL DEFAULT '{}',
    min_severity  TEXT        NOT NULL CHECK (min_severity IN ('warning', 'critical')),
    state         TEXT        NOT NULL CHECK (state IN ('ENABLED', 'DISABLED', 'GONE', 'DELETED')),
    -- why it is not ENABLED (e.g. "the receiver answered HTTP 410 Gone"), NULL while it is
    state_reason  TEXT,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);

-- Signing secrets, encrypted at rest (AES-256-GCM under the key of vitalwire.ingest.notify.secret-key or its key
-- file; the endpoint's id is the associated data, so a sealed secret moved to another endpoint does not open).
-- key_id names the key that sealed it (a digest, never the key), so a replica with another key says so.
-- expires_at: NULL for the current secret; set by a rotation to the end of the overlap, after which it signs no more.
CREATE TABLE webhook_secret (
    id          BIGSERIAL   PRIMARY KEY,
    endpoint_id UUID        NOT NULL REFERENCES webhook_endpoint (id) ON DELETE CASCADE,
    key_id      TEXT        NOT NULL,
    sealed      BYTEA       NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ
);
CREATE INDEX webhook_secret_endpoint ON webhook_secret (endpoint_id);

-- The outbox: one row per (alert, event, endpoint), so an alert raised twice is delivered once. webhook_id is the
-- Standard Webhooks webhook-id, the same for every attempt, replica and endpoint (receivers deduplicate on it).
-- state is DeliveryState: PENDING (due at next_at; attempts, last_status, last_error from the last failure),
-- DELIVERED (a 2xx at delivered_at) or DEAD (dead-lettered: reason says why; replayable through the admin API).
-- The payload is built at each attempt from the alert row (and the Observation reference, once FHIR has it).
CREATE TABLE webhook_delivery (
    id              BIGSERIAL   PRIMARY KEY,
    webhook_id      TEXT        NOT NULL,
    alert_id        UUID        NOT NULL REFERENCES alert (id),
    event           TEXT        NOT NULL CHECK (event IN ('alert.raised', 'alert.escalated')),
    endpoint_id     UUID        NOT NULL REFERENCES webhook_endpoint (id),
    state           TEXT        NOT NULL CHECK (state IN ('PENDING', 'DELIVERED', 'DEAD')),
    attempts        INT         NOT NULL DEFAULT 0,
    next_at         TIMESTAMPTZ NOT NULL,
    -- when the event happened: the payload's timestamp, and the start of the latency metric
    created_at      TIMESTAMPTZ NOT NULL,
    last_attempt_at TIMESTAMPTZ,
    last_status     INT,
    last_error      TEXT,
    delivered_at    TIMESTAMPTZ,
    reason          TEXT,
    replayed_at     TIMESTAMPTZ,
    UNIQUE (alert_id, event, endpoint_id)
);
CREATE INDEX webhook_delivery_due ON webhook_delivery (endpoint_id, next_at) WHERE state = 'PENDING';
CREATE INDEX webhook_delivery_state ON webhook_delivery (state, id);
