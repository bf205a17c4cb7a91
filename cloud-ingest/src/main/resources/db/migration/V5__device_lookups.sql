-- Device lookups (a Device and its assignments, as read from the FHIR server) shared by the replicas, so that a
-- replica that has not looked a device up itself, or was restarted, can resolve its readings while the FHIR server
-- is unreachable, for as long as any replica's lookup is fresh (vitalwire.ingest.resolve.cache-ttl).
-- PatientResolver reads and writes it; only lookups that assign someone are kept.
CREATE TABLE device_lookup (
    identifier TEXT        PRIMARY KEY,
    lookup     JSONB       NOT NULL,
    fetched_at TIMESTAMPTZ NOT NULL
);
