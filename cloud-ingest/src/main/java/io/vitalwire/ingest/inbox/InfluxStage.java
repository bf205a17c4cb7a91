package io.vitalwire.ingest.inbox;

import io.vitalwire.ingest.influx.InfluxSink;
import io.vitalwire.ingest.quarantine.QuarantineReason;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** INFLUX: every reading's values as points, one batch per claim, with the owner RESOLVE decided. */
@Singleton
class InfluxStage implements StageHandler {

    private final InfluxSink influx;
    private final StageCalls calls;

    InfluxStage(InfluxSink influx, StageCalls calls) {
        this.influx = influx;
        this.calls = calls;
    }

    @Override
    public InboxStage stage() {
        return InboxStage.INFLUX;
    }

    @Override
    public void handle(InboxClaim claim) {
        List<InboxEntry> entries = claim.readableByDevice().stream().flatMap(List::stream).toList();
        List<InfluxSink.Owned> points = entries.stream()
                .map(e -> new InfluxSink.Owned(e.reading(), e.owner().patientId()))
                .toList();
        List<InfluxSink.Refusal> refusals;
        try {
            refusals = calls.call(InboxStage.INFLUX, () -> influx.write(points));
        } catch (RuntimeException e) {
            calls.failed(claim, entries, e);
            return;
        }
        Map<String, String> refused = new HashMap<>();
        refusals.forEach(r -> refused.put(r.reading().key(), r.why()));
        Instant now = Instant.now();
        for (InboxEntry e : entries) {
            String why = refused.get(e.readingKey());
            if (why == null) {
                claim.done(e, "written " + e.reading().values().size() + " points", now);
            } else {
                claim.quarantined(e, QuarantineReason.INFLUX_REJECTED, why, now);
            }
        }
        calls.rejected(InboxStage.INFLUX, refusals.size());
    }
}
