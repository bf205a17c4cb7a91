-- Operations alerts (issue 12): gateways offline, devices' low batteries, buffer gaps — routed apart from clinical
-- alerts (kind 'operations') through the same alert table, webhook outbox and Task outbox.

-- Each gateway's presence, from its state messages (the online birth message, offline from a clean shutdown or the
-- last will) and its status heartbeats. The *_since/*_at columns without "gateway" in their comment are arrival times
-- by cloud-ingest's clock: silence is measured by them, never by a gateway's clock.
CREATE TABLE gateway_presence (
    tenant            TEXT        NOT NULL,
    gateway           TEXT        NOT NULL,
    -- io.vitalwire.ingest.operations.PresenceState: ONLINE | OFFLINE, as the last state message (or a heartbeat
    -- sent after an offline one) says
    state             TEXT        NOT NULL CHECK (state IN ('ONLINE', 'OFFLINE')),
    state_since       TIMESTAMPTZ NOT NULL,
    -- the gateway's own time in the state message that set the state (for a will: when that connection was made)
    state_at          TIMESTAMPTZ,
    software          TEXT,
    -- the last heartbeat: when it arrived, and what it said
    last_status_at    TIMESTAMPTZ,
    queue_depth       BIGINT,
    oldest_unsent_ms  BIGINT,
    uplink            TEXT,
    -- the last message of either kind: the gateway has been silent (or offline) since then
    last_heard_at     TIMESTAMPTZ NOT NULL,
    -- the last_heard_at of the silence a gateway-offline alert was raised for: one alert per offline period
    offline_alerted_for TIMESTAMPTZ,
    PRIMARY KEY (tenant, gateway)
);
-- The offline sweep's question, "silent since before the cutoff and not alerted for this silence", by index: a
-- gateway taken out of service is alerted once and then leaves this index.
CREATE INDEX gateway_presence_unalerted_silence ON gateway_presence (last_heard_at)
    WHERE offline_alerted_for IS DISTINCT FROM last_heard_at;

-- Each device's battery as last reported (by the gateway's time of the reading) and its last low-battery alert, for
-- the suppression: one alert per device within battery-suppression (24 h) unless worse. Read and written under a
-- transaction advisory lock on the device.
CREATE TABLE device_battery (
    tenant           TEXT        NOT NULL,
    -- the device's id as in reading keys: sn.… or bd.…
    device           TEXT        NOT NULL,
    gateway          TEXT        NOT NULL,
    level            INTEGER     NOT NULL CHECK (level BETWEEN 0 AND 100),
    reported_at      TIMESTAMPTZ NOT NULL,
    alerted_severity TEXT        CHECK (alerted_severity IN ('warning', 'critical')),
    alerted_at       TIMESTAMPTZ,
    PRIMARY KEY (tenant, device)
);

-- The device an operations alert is about (a low battery); NULL for every other alert.
ALTER TABLE alert ADD COLUMN device TEXT;
