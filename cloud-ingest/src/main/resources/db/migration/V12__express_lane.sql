-- The express lane (io.vitalwire.ingest.inbox.Lane): readings that may alert at once (spot measurements, not the
-- samples of continuous streams) are marked at intake, the mark follows them into every stage, and each stage's
-- express worker claims only them, so an alert never waits behind the claims of a thousand 1 Hz streams.
ALTER TABLE inbox_delivery ADD COLUMN express BOOLEAN NOT NULL DEFAULT false;
CREATE INDEX inbox_delivery_express ON inbox_delivery (stage, device, measured_at, entry_id)
    WHERE state = 'PENDING' AND express;
