-- Every write through the admin API (AdminWriteAudit): who (the token's subject and roles), when, and what (method,
-- path with the target's ids, query, answer). Never a body: bodies can hold webhook secrets and a patient's
-- thresholds, which the target's own tables (and rule_override_audit) keep.
CREATE TABLE admin_audit (
    id      BIGSERIAL PRIMARY KEY,
    at      TIMESTAMPTZ NOT NULL,
    subject TEXT        NOT NULL,
    roles   TEXT        NOT NULL,
    method  TEXT        NOT NULL,
    path    TEXT        NOT NULL,
    query   TEXT,
    status  INTEGER     NOT NULL
);
CREATE INDEX admin_audit_at ON admin_audit (at DESC);
CREATE INDEX admin_audit_subject ON admin_audit (subject, at DESC);
