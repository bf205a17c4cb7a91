-- Windows of continuous streams (BLE heart rate, continuous oximetry): their samples are kept here durably before
-- the MQTT message is acknowledged, and each window becomes one Observation once it has ended (WindowCloser).

-- One row per window: (patient, device with user index, code, start, length), named by its Observation identifier.
-- samples_version counts the additions of samples; written_version is the version last written to FHIR: a window
-- is pending while samples_version > written_version, and late samples make a written window pending again.
CREATE TABLE stream_window (
    id              BIGSERIAL   PRIMARY KEY,
    identifier      TEXT        NOT NULL UNIQUE,
    patient         TEXT        NOT NULL,
    device          TEXT        NOT NULL,
    type            TEXT        NOT NULL,
    code            TEXT        NOT NULL,
    loinc           TEXT,
    unit            TEXT        NOT NULL,
    starts_at       TIMESTAMPTZ NOT NULL,
    ends_at         TIMESTAMPTZ NOT NULL,
    samples_version BIGINT      NOT NULL DEFAULT 0,
    written_version BIGINT      NOT NULL DEFAULT 0,
    -- when the window is to be written next: its end plus the grace, or later after a failed write (backoff)
    due_at          TIMESTAMPTZ NOT NULL,
    attempts        INT         NOT NULL DEFAULT 0,
    last_error      TEXT,
    observation     TEXT,
    written_at      TIMESTAMPTZ
);
CREATE INDEX stream_window_due ON stream_window (due_at) WHERE samples_version > written_version;

-- One row per sample, keyed by its reading key: a redelivered reading is not counted twice. version is the
-- window's samples_version that added it, so a write of version v holds exactly the samples with version <= v.
CREATE TABLE window_sample (
    reading_key TEXT        PRIMARY KEY,
    window_id   BIGINT      NOT NULL REFERENCES stream_window (id),
    version     BIGINT      NOT NULL,
    measured_at TIMESTAMPTZ NOT NULL,
    value       NUMERIC     NOT NULL
);
CREATE INDEX window_sample_window ON window_sample (window_id, version);

-- Quarantine: the device a reading came from (serial, else BLE address), for listing and replay, and the replay.
ALTER TABLE quarantine
    ADD COLUMN device        TEXT,
    ADD COLUMN replayed_at   TIMESTAMPTZ,
    ADD COLUMN replay_result TEXT;
-- Reading entries hold the reading as the contract's JSON.
UPDATE quarantine
   SET device = COALESCE(convert_from(payload, 'UTF8')::jsonb #>> '{device,serial}',
                         convert_from(payload, 'UTF8')::jsonb #>> '{device,address}')
 WHERE reading_key IS NOT NULL;
CREATE INDEX quarantine_device ON quarantine (device, id) WHERE device IS NOT NULL;
CREATE INDEX quarantine_awaiting_replay ON quarantine (device, id) WHERE replayed_at IS NULL AND device IS NOT NULL;
