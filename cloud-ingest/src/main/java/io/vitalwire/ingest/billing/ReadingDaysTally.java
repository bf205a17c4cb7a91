package io.vitalwire.ingest.billing;

import io.vitalwire.contract.ContractViolation;
import io.vitalwire.contract.Topic;
import io.vitalwire.ingest.pipeline.StageEntry;
import io.vitalwire.ingest.pipeline.Tally;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code reading-days}: counts each reading whose owner is known for its patient's day — the calendar date of its
 * measurement time in the patient's time zone — in {@code patient_reading_day}, which the billing report reads
 * ({@link ReadingDays}). A reading counts once it was transmitted to cloud-ingest and its patient is known, whatever
 * FHIR or InfluxDB make of it: the CMS rule asks for data collected and transmitted on the day, and a reading the
 * FHIR server refuses was still transmitted.
 *
 * <p>A tally written in the commit of {@code resolve}'s claims, not a stage of its own: it needs nothing but the
 * database the inbox is in, and as a stage it cost every reading a delivery row inserted, claimed and updated — a
 * fifth of the inbox's rows — to run this one statement. Counting a day is idempotent, so a claim handled again after
 * a failed commit counts nothing twice.
 */
@Singleton
public class ReadingDaysTally implements Tally {

    private final ReadingDays days;

    public ReadingDaysTally(ReadingDays days) {
        this.days = days;
    }

    @Override
    public String name() {
        return "reading-days";
    }

    @Override
    public void record(Connection transaction, List<StageEntry> finished) throws SQLException {
        List<ReadingDays.Counted> counted = new ArrayList<>(finished.size());
        for (StageEntry e : finished) {
            counted.add(new ReadingDays.Counted(tenant(e), e.owner().patientId(), e.measuredAt(), e.receivedAt()));
        }
        days.count(transaction, counted);
    }

    private static String tenant(StageEntry e) {
        try {
            return Topic.parse(e.topic()).tenant();
        } catch (ContractViolation v) {
            return "unknown";
        }
    }
}
