package io.vitalwire.ingest.inbox;

/**
 * One stage's work on a claim. Failures of the stage's service are recorded on the claim as retries (through
 * {@link StageCalls#failed}), refusals as quarantines; an exception out of {@link #handle} is a bug or a
 * PostgreSQL failure and rolls the whole claim back.
 */
interface StageHandler {

    InboxStage stage();

    /** Takes every readable entry of the claim through the stage, recording one transition per entry. */
    void handle(InboxClaim claim);
}
