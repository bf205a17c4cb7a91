package io.vitalwire.ingest.influx;

import io.vitalwire.contract.Reading;
import io.vitalwire.contract.ReadingValue;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.BatchPoints;
import org.influxdb.dto.BoundParameterQuery;
import org.influxdb.dto.Point;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;

/**
 * Writes every reading at full resolution to InfluxDB, one point per value, in one batch per message.
 *
 * <p>Schema: measurement {@code vitals}; tags {@code patient} (the FHIR Patient id: an opaque id, one series set per
 * patient), {@code code} (MDC of the value), {@code device} (stable device id); fields {@code value} and
 * {@code reading_key}; time = the reading's measurement time in milliseconds. A redelivered reading has the same
 * series and time, so it overwrites its own point instead of adding one.
 */
@Singleton
public class InfluxSink implements AutoCloseable {

    static final String MEASUREMENT = "vitals";

    private final InfluxDB influx;
    private final String database;

    public InfluxSink(InfluxConfig config) {
        this.influx = config.getUsername().isPresent()
                ? InfluxDBFactory.connect(config.getUrl(), config.getUsername().get(), config.getPassword().orElse(""))
                : InfluxDBFactory.connect(config.getUrl());
        this.database = config.getDatabase();
    }

    /** A reading and the patient it belongs to. */
    public record Owned(Reading reading, String patientId) {
    }

    public void write(List<Owned> readings) {
        if (readings.isEmpty()) {
            return;
        }
        BatchPoints.Builder batch = BatchPoints.database(database).precision(TimeUnit.MILLISECONDS);
        for (Owned owned : readings) {
            Reading r = owned.reading();
            for (ReadingValue v : r.values()) {
                batch.point(Point.measurement(MEASUREMENT)
                        .time(r.measuredAt().toEpochMilli(), TimeUnit.MILLISECONDS)
                        .tag("patient", owned.patientId())
                        .tag("code", v.mdc())
                        .tag("device", r.device().stableId())
                        .addField("value", v.value().doubleValue())
                        .addField("unit", v.unit())
                        .addField("reading_key", r.key())
                        .build());
            }
        }
        influx.write(batch.build());
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
