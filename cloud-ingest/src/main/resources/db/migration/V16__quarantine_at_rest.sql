-- Quarantined payloads encrypted at rest, and kept for a retention only (issue 14, point 8).

-- The id of the key that sealed payload and held_payload (AES-256-GCM, nonce ‖ ciphertext ‖ tag; see
-- io.vitalwire.ingest.quarantine.PayloadSeal). NULL: written before this migration, still plaintext; every replica's
-- retention sweep (QuarantineRetention) seals those rows in place at start-up and on each run, so no migration step
-- needs the key.
ALTER TABLE quarantine ADD COLUMN key_id TEXT;
CREATE INDEX quarantine_unsealed ON quarantine (id) WHERE key_id IS NULL;
CREATE INDEX quarantine_received_at ON quarantine (received_at);

-- Every retention purge that deleted entries: when, the cut-off, how many. Never updated or deleted by the service.
CREATE TABLE quarantine_purge_audit (
    id          BIGSERIAL   PRIMARY KEY,
    purged_at   TIMESTAMPTZ NOT NULL,
    older_than  TIMESTAMPTZ NOT NULL,
    entries     INTEGER     NOT NULL
);
