-- What cloud-ingest refused, kept with its reason. Never deleted by the service itself.
CREATE TABLE quarantine (
    id          BIGSERIAL PRIMARY KEY,
    received_at TIMESTAMPTZ NOT NULL,
    topic       TEXT        NOT NULL,
    reading_key TEXT,
    reason      TEXT        NOT NULL,
    detail      TEXT        NOT NULL,
    payload     BYTEA       NOT NULL
);
CREATE INDEX quarantine_reason ON quarantine (reason, id);
CREATE INDEX quarantine_reading_key ON quarantine (reading_key) WHERE reading_key IS NOT NULL;
