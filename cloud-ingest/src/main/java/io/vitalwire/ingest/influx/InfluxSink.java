package io.vitalwire.ingest.influx;

import io.vitalwire.contract.Reading;
import io.vitalwire.contract.ReadingValue;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBException;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.BatchPoints;
import org.influxdb.dto.BoundParameterQuery;
import org.influxdb.dto.Point;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;

/**
 * Writes every reading at full resolution to InfluxDB, one point per value, in one batch per call.
 *
 * <p>Schema: measurement {@code vitals}; tags {@code patient} (the FHIR Patient id: opaque, one series set per
 * patient), {@code code} (MDC of the value), {@code device} (stable device id) and {@code clock_quality} (how the
 * time was decided, the contract's {@code clockQuality}: four values, so cheap to index and to filter on, e.g. to
 * leave out {@code uncorrected} points); fields {@code value}, {@code unit} and {@code reading_key}. InfluxDB identifies a point by series and time, so the time carries the reading's
 * identity: the measurement time in milliseconds plus a nanosecond offset below one millisecond derived from the
 * reading key ({@link #pointTime}). Two readings of one series in the same millisecond (samples sharing a
 * timestamp) get different times and both stay; a redelivered reading gets its own time again and overwrites its
 * own point. The key is not a tag: one series per reading would grow the series index without bound.
 */
@Singleton
public class InfluxSink implements AutoCloseable {

    static final String MEASUREMENT = "vitals";
    private static final long NANOS_PER_MILLI = 1_000_000L;
    /** One per thread: looking the algorithm up for each reading was a seventh of the sink's own CPU. */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    });

    private final InfluxDB influx;
    private final String database;

    public InfluxSink(InfluxConfig config) {
        OkHttpClient.Builder http = new OkHttpClient.Builder().socketFactory(new NoDelaySocketFactory());
        this.influx = config.getUsername().isPresent()
                ? InfluxDBFactory.connect(config.getUrl(), config.getUsername().get(), config.getPassword().orElse(""),
                        http)
                : InfluxDBFactory.connect(config.getUrl(), http);
        this.database = config.getDatabase();
    }

    /** A reading and the patient it belongs to. */
    public record Owned(Reading reading, String patientId) {
    }

    /** A reading whose points InfluxDB refused for good (e.g. a field type conflict), with its answer. */
    public record Refusal(Reading reading, String why) {
    }

    /**
     * Writes the readings' points. A batch InfluxDB refuses for good is written again one reading at a time, so that
     * only the readings it refuses are left out.
     *
     * @return the readings InfluxDB refused; every other one is written
     * @throws RuntimeException when InfluxDB is unreachable or failing: try them all again later (each point's
     *                          identity makes a repeat overwrite, not add)
     */
    public List<Refusal> write(List<Owned> readings) {
        List<Refusal> refused = new ArrayList<>();
        if (readings.isEmpty()) {
            return refused;
        }
        try {
            writeBatch(readings);
        } catch (InfluxDBException e) {
            if (!refusedForGood(e)) {
                throw e;
            }
            for (Owned owned : readings) {
                try {
                    writeBatch(List.of(owned));
                } catch (InfluxDBException single) {
                    if (!refusedForGood(single)) {
                        throw single;
                    }
                    refused.add(new Refusal(owned.reading(), single.getMessage()));
                }
            }
        }
        return refused;
    }

    private void writeBatch(List<Owned> readings) {
        BatchPoints.Builder batch = BatchPoints.database(database).precision(TimeUnit.NANOSECONDS);
        for (Owned owned : readings) {
            Reading r = owned.reading();
            long time = pointTime(r);
            for (ReadingValue v : r.values()) {
                batch.point(Point.measurement(MEASUREMENT)
                        .time(time, TimeUnit.NANOSECONDS)
                        .tag("patient", owned.patientId())
                        .tag("code", v.mdc())
                        .tag("device", r.device().stableId())
                        .tag("clock_quality", r.clockQuality().code())
                        .addField("value", v.value().doubleValue())
                        .addField("unit", v.unit())
                        .addField("reading_key", r.key())
                        .build());
            }
        }
        influx.write(batch.build());
    }

    /**
     * A refusal of these points themselves, which no retry overcomes. A missing database or refused credentials are
     * not: they are the operator's to fix, and the readings wait for it.
     */
    private static boolean refusedForGood(InfluxDBException e) {
        return e instanceof InfluxDBException.FieldTypeConflictException
                || e instanceof InfluxDBException.PointsBeyondRetentionPolicyException
                || e instanceof InfluxDBException.UnableToParseException;
    }

    /**
     * The point time of a reading, in nanoseconds since the epoch: its measurement time in milliseconds plus an
     * offset of 0–999,999 ns taken from the SHA-256 of its key. Deterministic, so every replica and every retry
     * computes the same time; within the reading's millisecond, so queries at millisecond precision see the
     * measured time. Two different keys in one series and millisecond share a time with probability 1 in a
     * million.
     */
    public static long pointTime(Reading reading) {
        return reading.measuredAt().toEpochMilli() * NANOS_PER_MILLI + keyOffsetNanos(reading.key());
    }

    static long keyOffsetNanos(String readingKey) {
        byte[] digest = SHA_256.get().digest(readingKey.getBytes(StandardCharsets.UTF_8));
        return Math.floorMod(ByteBuffer.wrap(digest).getLong(), NANOS_PER_MILLI);
    }

    /**
     * Deletes a reading's points (a key conflict decided for the reading that arrived second): the points of its
     * device at its point time ({@link #pointTime}), which only it has. The key is a field, which InfluxQL's DELETE
     * cannot select by.
     */
    public void delete(Reading reading) {
        // POST, as InfluxDB takes no DELETE by GET; the device inline, quoted, as the client sends a POST's bound
        // parameters where the query belongs.
        String device = reading.device().stableId().replace("\\", "\\\\").replace("'", "\\'");
        Query query = new Query("DELETE FROM " + MEASUREMENT + " WHERE device = '" + device + "' AND time = "
                + pointTime(reading), database, true);
        QueryResult result = influx.query(query);
        if (result.hasError()) {
            throw new InfluxDBException(result.getError());
        }
    }

    /** How many points carry this reading key (one per value of the reading once written). */
    public long countPoints(String readingKey) {
        Query query = BoundParameterQuery.QueryBuilder
                .newQuery("SELECT count(value) FROM " + MEASUREMENT + " WHERE reading_key = $key")
                .forDatabase(database)
                .bind("key", readingKey)
                .create();
        QueryResult result = influx.query(query);
        if (result.hasError() || result.getResults() == null || result.getResults().isEmpty()) {
            return 0;
        }
        QueryResult.Result first = result.getResults().get(0);
        if (first.getSeries() == null || first.getSeries().isEmpty()) {
            return 0;
        }
        return ((Number) first.getSeries().get(0).getValues().get(0).get(1)).longValue();
    }

    @PreDestroy
    @Override
    public void close() {
        influx.close();
    }
}
