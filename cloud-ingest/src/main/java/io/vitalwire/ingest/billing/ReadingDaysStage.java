package io.vitalwire.ingest.billing;

import io.vitalwire.contract.ContractViolation;
import io.vitalwire.contract.Topic;
import io.vitalwire.ingest.pipeline.Failure;
import io.vitalwire.ingest.pipeline.Stage;
import io.vitalwire.ingest.pipeline.StageBatch;
import io.vitalwire.ingest.pipeline.StageEntry;
import jakarta.inject.Singleton;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code reading-days}: counts each reading whose owner is known for its patient's day — the calendar date of its
 * measurement time in the patient's time zone — in {@code patient_reading_day}, which the billing report reads
 * ({@link ReadingDays}). A reading counts once it was transmitted to cloud-ingest and its patient is known, whatever
 * FHIR or InfluxDB make of it: the CMS rule asks for data collected and transmitted on the day, and a reading the
 * FHIR server refuses was still transmitted. One statement per claim; a failure (PostgreSQL) retries the whole claim,
 * which is harmless since counting a day is idempotent.
 */
@Singleton
public class ReadingDaysStage implements Stage {

    private final ReadingDays days;

    public ReadingDaysStage(ReadingDays days) {
        this.days = days;
    }

    @Override
    public String name() {
        return "reading-days";
    }

    @Override
    public void handle(StageBatch batch) {
        List<ReadingDays.Counted> counted = new ArrayList<>();
        for (StageEntry e : batch.entries()) {
            counted.add(new ReadingDays.Counted(tenant(e), e.owner().patientId(), e.measuredAt(), e.receivedAt()));
        }
        try {
            days.count(counted);
        } catch (SQLException | RuntimeException e) {
            batch.failed(batch.entries(), new Failure(Failure.Cause.ERROR, e.getMessage()));
            return;
        }
        batch.entries().forEach(e -> batch.done(e, "counted"));
    }

    private static String tenant(StageEntry e) {
        try {
            return Topic.parse(e.topic()).tenant();
        } catch (ContractViolation v) {
            return "unknown";
        }
    }
}
