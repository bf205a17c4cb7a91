package io.vitalwire.ingest.pipeline;

/**
 * One step of the ingest pipeline: takes a batch of readings the engine claimed for it and records one outcome per
 * reading on the batch. The engine — not the stage — persists the outcomes, retries failures with the shared
 * backoff, and makes the next stages pending; the order of stages is declared once, in {@link Pipeline}.
 *
 * <p>Failure rules, as OkHttp's interceptors document theirs: a call to the stage's service makes <b>one attempt</b>.
 * If the service could not take readings now (down, failing, overloaded), the stage reports them
 * {@link StageBatch#failed failed} with a classified {@link Failure}: they stay pending and are tried again after a
 * backoff. If the reading itself can never be taken (its fault, e.g. a value no Observation can hold), the stage
 * reports it {@link StageBatch#quarantined quarantined} with a reason, which an operator can replay after a fix.
 * An exception or {@code Error} thrown out of {@link #handle} is a bug: the entries the stage left without an outcome
 * are failed with cause {@code error} and back off like any failed attempt (never claimed again at once), and the
 * worker lives on.
 */
public interface Stage {

    /**
     * The stage's name: lower case, stable (stored with each entry's state, the metrics' {@code stage} tag, the
     * explain API, {@code /health}).
     */
    String name();

    /** Takes every entry of the batch through the stage, recording exactly one outcome per entry. */
    void handle(StageBatch batch);
}
