package io.vitalwire.ingest.influx;

import io.vitalwire.ingest.pipeline.Failure;
import io.vitalwire.ingest.pipeline.Stage;
import io.vitalwire.ingest.pipeline.StageBatch;
import io.vitalwire.ingest.pipeline.StageEntry;
import io.vitalwire.ingest.quarantine.QuarantineReason;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.influxdb.InfluxDBException;
import org.influxdb.InfluxDBIOException;

/**
 * {@code influx}: every reading's values as points, at full resolution, one batch per claim, with the owner the
 * pipeline's first stage decided. Points InfluxDB refuses for good are quarantined ({@code INFLUX_REJECTED}); the
 * reading's Observation stands.
 */
@Singleton
public class InfluxStage implements Stage {

    private final InfluxSink influx;

    public InfluxStage(InfluxSink influx) {
        this.influx = influx;
    }

    @Override
    public String name() {
        return "influx";
    }

    @Override
    public void handle(StageBatch batch) {
        List<StageEntry> entries = batch.entries();
        List<InfluxSink.Refusal> refusals;
        try {
            refusals = influx.write(entries.stream()
                    .map(e -> new InfluxSink.Owned(e.reading(), e.owner().patientId()))
                    .toList());
        } catch (RuntimeException e) {
            batch.failed(entries, Failure.of(e, t -> t instanceof InfluxDBIOException,
                    t -> t instanceof InfluxDBException,
                    t -> t instanceof InfluxDBException.AuthorizationFailedException
                            || t instanceof InfluxDBException.DatabaseNotFoundException));
            return;
        }
        Map<String, String> refused = new HashMap<>();
        refusals.forEach(r -> refused.put(r.reading().key(), r.why()));
        for (StageEntry e : entries) {
            String why = refused.get(e.readingKey());
            if (why == null) {
                batch.done(e, "written " + e.reading().values().size() + " points");
            } else {
                batch.quarantined(e, QuarantineReason.INFLUX_REJECTED, why);
            }
        }
    }
}
