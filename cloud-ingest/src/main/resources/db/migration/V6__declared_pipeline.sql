-- The pipeline's stages are declared in code (io.vitalwire.ingest.IngestPipeline), not in a CHECK constraint:
-- adding a stage is one class and one line. Stage names are the stages' own, lower case.
ALTER TABLE inbox_delivery DROP CONSTRAINT inbox_delivery_stage_check;
UPDATE inbox_delivery SET stage = lower(stage);

-- Which stage set a reading aside: a replay puts it back into the inbox, pending in that stage again.
-- NULL for whole payloads the contract refused (they never entered the pipeline).
ALTER TABLE quarantine ADD COLUMN stage TEXT;
UPDATE quarantine SET stage = CASE
    WHEN reason IN ('UNKNOWN_DEVICE', 'UNASSIGNED_DEVICE', 'CONFLICTING_ASSIGNMENTS') THEN 'resolve'
    WHEN reason IN ('UNMAPPABLE', 'FHIR_REJECTED') THEN 'fhir'
    WHEN reason = 'INFLUX_REJECTED' THEN 'influx'
END;
