-- Alerts (issue 8). The rules stage decides alerts per patient, with its state shared by every replica; an alert is
-- committed together with what delivers it (the webhook outbox, the FHIR Task outbox), so an alert decided is an
-- alert delivered even if the replica dies right after the decision.

-- What the rules remember per patient (runs of stream samples, recent alerts, weighings of the week, last
-- measurement): io.vitalwire.ingest.rules.PatientRuleState as JSON. Read and written under a transaction advisory
-- lock on the patient, so two replicas never evaluate one patient's readings at once.
CREATE TABLE rule_state (
    patient          TEXT        PRIMARY KEY,
    tenant           TEXT        NOT NULL,
    state            JSONB       NOT NULL,
    -- the state's last measurement, as a column so the no-data sweep finds silent patients by index
    last_measured_at TIMESTAMPTZ,
    updated_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX rule_state_silent ON rule_state (last_measured_at);

-- Readings the rules have evaluated: a reading handled again (a redelivery after its inbox entry was purged, a
-- retry after a crash between the rules' commit and the inbox's) is not evaluated twice. Purged after the inbox's
-- retention by the rules' own schedule.
CREATE TABLE rule_evaluation (
    reading_key  TEXT        PRIMARY KEY,
    evaluated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX rule_evaluation_at ON rule_evaluation (evaluated_at);

-- One row per alert. id is derived from what makes the alert itself (patient, rule, reading key or no-data time),
-- so the same decision taken twice is one alert. values: the reading's values as sent ([{mdc, value, unit}]), the
-- minimum a clinician needs; no names, no free text.
CREATE TABLE alert (
    id           UUID        PRIMARY KEY,
    tenant       TEXT        NOT NULL,
    kind         TEXT        NOT NULL CHECK (kind IN ('clinical', 'operations')),
    rule         TEXT        NOT NULL,
    severity     TEXT        NOT NULL CHECK (severity IN ('warning', 'critical')),
    patient      TEXT,
    gateway      TEXT,
    reading_key  TEXT,
    measured_at  TIMESTAMPTZ,
    late         BOOLEAN     NOT NULL,
    value        NUMERIC,
    unit         TEXT,
    reading_values JSONB,
    raised_at    TIMESTAMPTZ NOT NULL,
    -- RAISED → ACKNOWLEDGED (through the admin API); ESCALATED once when critical and unacknowledged too long
    state        TEXT        NOT NULL CHECK (state IN ('RAISED', 'ESCALATED', 'ACKNOWLEDGED')),
    acknowledged_at TIMESTAMPTZ,
    acknowledged_by TEXT,
    -- when a critical alert escalated (io.vitalwire.ingest.tasks.Escalations); NULL while it did not
    escalated_at TIMESTAMPTZ
);
CREATE INDEX alert_patient ON alert (patient, raised_at);
CREATE INDEX alert_open ON alert (raised_at) WHERE state = 'RAISED';

-- Organization and patient threshold overrides (JSON per rule id and severity, canonical units), and patient
-- conditions set by hand (heart failure also comes from FHIR Conditions). scope: 'tenant' (patient '') or 'patient'.
CREATE TABLE rule_override (
    tenant     TEXT        NOT NULL,
    patient    TEXT        NOT NULL DEFAULT '',
    overrides  JSONB,
    conditions JSONB,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by TEXT        NOT NULL,
    PRIMARY KEY (tenant, patient)
);

-- Every change to an override: who, when, before, after.
CREATE TABLE rule_override_audit (
    id         BIGSERIAL   PRIMARY KEY,
    tenant     TEXT        NOT NULL,
    patient    TEXT        NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL,
    changed_by TEXT        NOT NULL,
    before     JSONB,
    after      JSONB
);
