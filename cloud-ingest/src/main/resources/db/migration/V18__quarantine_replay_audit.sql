-- Every quarantine reason can be replayed (issue 15, point 3).

-- Where an entry stands: a closed set (io.vitalwire.ingest.quarantine.QuarantineState), stored as its name.
-- AWAITING: set aside, awaiting a replay or a person's decision; REPLAYED: its reading (or payload) went back into the
-- pipeline — replayed_at and replay_result say when and how; DISMISSED: closed by an operator with a note, never
-- replayed — the payload stays until the retention purges it. attempts counts the replays that judged the entry and
-- left it AWAITING (the detail is then the latest judgement); last_attempt_at when the last of them ran.
ALTER TABLE quarantine
    ADD COLUMN state           TEXT        NOT NULL DEFAULT 'AWAITING'
        CHECK (state IN ('AWAITING', 'REPLAYED', 'DISMISSED')),
    ADD COLUMN attempts        INTEGER     NOT NULL DEFAULT 0,
    ADD COLUMN last_attempt_at TIMESTAMPTZ;
UPDATE quarantine SET state = 'REPLAYED' WHERE replayed_at IS NOT NULL;
-- The sweep's and the operators' selections, and the per-reason gauge, read only what awaits.
CREATE INDEX quarantine_awaiting ON quarantine (reason, id) WHERE state = 'AWAITING';
DROP INDEX quarantine_awaiting_replay;
CREATE INDEX quarantine_awaiting_device ON quarantine (device, id) WHERE state = 'AWAITING' AND device IS NOT NULL;

-- Every judgement of an entry by a replay, and every decision on one: who (the operator's token subject, or
-- 'sweep'), when, which entry (its id and reason; no payload, no value), what was asked (action: REPLAY, DISMISS,
-- KEEP_HELD, TAKE_ARRIVED) and what came of it (outcome, the metric's tag: requeued, readded, inboxed-already,
-- still-quarantined, dismissed, kept-held, superseded), with the detail (the new refusal, the operator's note).
-- previous_detail: the entry's detail before a replay replaced it. The sweep records only entries it replayed (it
-- judges every waiting one every few minutes). Not tied to quarantine by a foreign key: the audit outlives the
-- entry's purge. Never updated or deleted by the service.
CREATE TABLE quarantine_replay_audit (
    id              BIGSERIAL   PRIMARY KEY,
    at              TIMESTAMPTZ NOT NULL,
    actor           TEXT        NOT NULL,
    action          TEXT        NOT NULL,
    entry_id        BIGINT      NOT NULL,
    reason          TEXT        NOT NULL,
    outcome         TEXT        NOT NULL,
    detail          TEXT,
    previous_detail TEXT
);
CREATE INDEX quarantine_replay_audit_entry ON quarantine_replay_audit (entry_id, id);
CREATE INDEX quarantine_replay_audit_at ON quarantine_replay_audit (at DESC);
