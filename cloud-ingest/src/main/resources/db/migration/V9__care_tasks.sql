-- Care-team work in FHIR (issue 12, section 4): one FHIR Task per alert, written through a durable outbox, plus
-- the alert's escalation. See io.vitalwire.ingest.tasks and README.md, "Care-team Tasks".

-- One row per alert: its FHIR Task is owed, or how FHIR has it. Inserted in the transaction that inserts the alert
-- (CareTasks.raised), so an alert decided is a Task owed even if the replica dies right after the decision. Workers on
-- every replica claim rows FOR UPDATE SKIP LOCKED and hold the lock while they call the FHIR server: a row is never
-- written by two replicas at once, and a replica killed mid-way leaves it to the next claim (the conditional create
-- on the alert's identifier then finds the Task it may have created).
-- state is CareTaskState: PENDING (not in FHIR yet, due at next_at), OPEN (in FHIR as `task`, as of the alert's
-- `written_state`), DONE (completed in FHIR after the acknowledgement; final), REJECTED (refused for good by the FHIR
-- server, last_error says why; final).
CREATE TABLE care_task (
    alert_id      UUID        PRIMARY KEY REFERENCES alert (id),
    state         TEXT        NOT NULL CHECK (state IN ('PENDING', 'OPEN', 'DONE', 'REJECTED')),
    -- the alert's state (RAISED, ESCALATED, ACKNOWLEDGED) the Task in FHIR reflects; NULL before the first write
    written_state TEXT        CHECK (written_state IN ('RAISED', 'ESCALATED', 'ACKNOWLEDGED')),
    -- Task/<id> once written
    task          TEXT,
    -- Task.owner as last written (PractitionerRole/… or Practitioner/…), or why there is none (an
    -- UnassignedReason code); never both
    owner         TEXT,
    owner_reason  TEXT,
    -- failed attempts since the last write, the last failure (cause: message), when to try again
    attempts      INT         NOT NULL DEFAULT 0,
    last_error    TEXT,
    next_at       TIMESTAMPTZ NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    written_at    TIMESTAMPTZ
);
CREATE INDEX care_task_pending ON care_task (next_at) WHERE state = 'PENDING';

-- An alert moved on (escalated, acknowledged) after its Task was written: the Task owes a revision. Append-only, and
-- written without touching care_task, so an escalation (and its webhook event) or an acknowledgement never waits for
-- a worker that holds the care_task row during a slow FHIR call. A worker deletes the rows it has seen when it has
-- written the Task as of the alert's state read after them; rows added meanwhile stay, and the Task is revised again.
CREATE TABLE care_task_revision (
    id       BIGSERIAL   PRIMARY KEY,
    alert_id UUID        NOT NULL REFERENCES alert (id),
    at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX care_task_revision_alert ON care_task_revision (alert_id, id);
