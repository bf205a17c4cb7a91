package io.vitalwire.ingest.testing;

import io.vitalwire.ingest.pipeline.Failure;
import io.vitalwire.ingest.pipeline.Owner;
import io.vitalwire.ingest.pipeline.StageBatch;
import io.vitalwire.ingest.pipeline.StageEntry;
import io.vitalwire.ingest.quarantine.QuarantineReason;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A claim handed to a stage without the inbox: the outcome the stage recorded for each entry, and a test failure if
 * it records two for one entry (the inbox's claim would settle only the first).
 */
public final class RecordedOutcomes implements StageBatch {

    private final List<StageEntry> entries;
    private final Map<Long, String> outcomes = new ConcurrentHashMap<>();

    public RecordedOutcomes(List<StageEntry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** Each entry's outcome ({@code done: …}, {@code failed: CAUSE}), by entry id; missing: none recorded. */
    public Map<Long, String> outcomes() {
        return Map.copyOf(outcomes);
    }

    @Override
    public List<StageEntry> entries() {
        return entries;
    }

    @Override
    public List<List<StageEntry>> byDevice() {
        Map<String, List<StageEntry>> byDevice = new LinkedHashMap<>();
        for (StageEntry e : entries) {
            byDevice.computeIfAbsent(e.device(), d -> new ArrayList<>()).add(e);
        }
        return List.copyOf(byDevice.values());
    }

    @Override
    public void done(StageEntry entry, String outcome) {
        record(entry, "done: " + outcome);
    }

    @Override
    public void owned(StageEntry entry, Owner owner, String outcome) {
        record(entry, "owned: " + outcome);
    }

    @Override
    public void quarantined(StageEntry entry, QuarantineReason reason, String detail) {
        record(entry, "quarantined: " + reason);
    }

    @Override
    public void failed(List<StageEntry> failed, Failure failure) {
        failed.forEach(e -> record(e, "failed: " + failure.cause()));
    }

    private void record(StageEntry entry, String outcome) {
        String before = outcomes.putIfAbsent(entry.id(), outcome);
        if (before != null) {
            throw new AssertionError("entry " + entry.id() + " got a second outcome: " + before + ", then " + outcome);
        }
    }
}
