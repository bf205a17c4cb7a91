-- GatewayEvents from the gateways' events channel (e.g. "gap": readings the gateway's buffer refused at capacity).
-- Kept as received; a redelivered message (same gateway, same payload) is stored once. A gap that grew is re-sent
-- with new totals under the same gapId: a new row, which supersedes the earlier one.
CREATE TABLE gateway_event (
    id          BIGSERIAL   PRIMARY KEY,
    received_at TIMESTAMPTZ NOT NULL,
    tenant      TEXT        NOT NULL,
    gateway_id  TEXT        NOT NULL,
    type        TEXT        NOT NULL,
    at          TIMESTAMPTZ NOT NULL,
    attributes  JSONB       NOT NULL,
    -- SHA-256 of the payload
    digest      BYTEA       NOT NULL,
    UNIQUE (tenant, gateway_id, digest)
);
CREATE INDEX gateway_event_gateway ON gateway_event (gateway_id, id);
