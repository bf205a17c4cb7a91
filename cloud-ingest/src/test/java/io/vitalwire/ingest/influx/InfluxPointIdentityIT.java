package io.vitalwire.ingest.influx;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.contract.Reading;
import io.vitalwire.ingest.testing.TestStack;
import io.vitalwire.testing.GatewayReadings;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.BoundParameterQuery;
import org.influxdb.dto.QueryResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * InfluxDB identifies a point by series and time: the sink's points must keep readings that share a millisecond
 * apart (the IoMT connector dropped such samples) and let a redelivered reading overwrite only itself. Against the
 * stack's InfluxDB 1.x.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InfluxPointIdentityIT {

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String gateway = "gw-influx-" + run;
    private final InfluxSink sink = new InfluxSink(new InfluxConfig() {
        @Override
        public String getUrl() {
            return TestStack.SETTINGS.influxUrl();
        }

        @Override
        public String getDatabase() {
            return TestStack.SETTINGS.influxDb();
        }

        @Override
        public Optional<String> getUsername() {
            return Optional.empty();
        }

        @Override
        public Optional<String> getPassword() {
            return Optional.empty();
        }
    });
    private final InfluxDB query = InfluxDBFactory.connect(TestStack.SETTINGS.influxUrl());

    @AfterAll
    void close() {
        sink.close();
        query.close();
    }

    @Test
    void readingsSharingAMillisecond_stayApart_andARedeliveryOverwritesOnlyItself() {
        String patient = "p-" + run;
        DeviceIdentity scale = GatewayReadings.device("SCALE-" + run);
        Instant at = Instant.parse("2026-11-23T10:15:00.250Z");
        List<Reading> sameMillisecond = new ArrayList<>();
        for (long sequence = 1; sequence <= 5; sequence++) {
            sameMillisecond.add(GatewayReadings.storedWeight(gateway, scale, sequence, at, "7" + sequence + ".0"));
        }
        List<InfluxSink.Owned> owned = sameMillisecond.stream().map(r -> new InfluxSink.Owned(r, patient)).toList();

        assertThat(sink.write(owned)).isEmpty();
        assertThat(values(patient)).containsExactlyInAnyOrder(71.0, 72.0, 73.0, 74.0, 75.0);

        // Redelivered: the whole batch again, and one reading on its own.
        sink.write(owned);
        sink.write(List.of(owned.get(2)));
        assertThat(values(patient)).containsExactlyInAnyOrder(71.0, 72.0, 73.0, 74.0, 75.0);
        for (Reading r : sameMillisecond) {
            assertThat(sink.countPoints(r.key())).as(r.key()).isEqualTo(1);
        }
    }

    /** How each point's time was decided is a tag: a query can keep only, or leave out, uncorrected device times. */
    @Test
    void clockQuality_isATag_toFilterOn() {
        String patient = "pq-" + run;
        Instant at = Instant.parse("2026-11-23T10:16:00Z");
        Reading uncorrected = GatewayReadings.weight(gateway, GatewayReadings.device("SCALE-Q-" + run), at, "70.5");
        Reading receiveTime = GatewayReadings.heartRate(gateway, GatewayReadings.device("HR-Q-" + run), at, "61");

        assertThat(sink.write(List.of(new InfluxSink.Owned(uncorrected, patient),
                new InfluxSink.Owned(receiveTime, patient)))).isEmpty();

        assertThat(uncorrected.clockQuality().code()).isEqualTo("uncorrected");
        assertThat(values(patient, "uncorrected")).containsExactly(70.5);
        assertThat(values(patient, "receive-time")).containsExactly(61.0);
        assertThat(values(patient, "synced")).isEmpty();
    }

    @Test
    void aPointsTime_isDeterministic_andWithinTheReadingsMillisecond() {
        DeviceIdentity scale = GatewayReadings.device("SCALE-" + run);
        Instant at = Instant.parse("2026-11-23T10:15:00.250Z");
        Reading one = GatewayReadings.storedWeight(gateway, scale, 1, at, "70.0");
        Reading two = GatewayReadings.storedWeight(gateway, scale, 2, at, "70.0");

        assertThat(InfluxSink.pointTime(one)).isEqualTo(InfluxSink.pointTime(one))
                .isNotEqualTo(InfluxSink.pointTime(two))
                .isBetween(at.toEpochMilli() * 1_000_000, at.toEpochMilli() * 1_000_000 + 999_999);
    }

    private List<Double> values(String patient) {
        return values(query.query(BoundParameterQuery.QueryBuilder
                .newQuery("SELECT value FROM " + InfluxSink.MEASUREMENT + " WHERE patient = $p")
                .forDatabase(TestStack.SETTINGS.influxDb())
                .bind("p", patient)
                .create()));
    }

    private List<Double> values(String patient, String clockQuality) {
        return values(query.query(BoundParameterQuery.QueryBuilder
                .newQuery("SELECT value FROM " + InfluxSink.MEASUREMENT + " WHERE patient = $p AND clock_quality = $q")
                .forDatabase(TestStack.SETTINGS.influxDb())
                .bind("p", patient)
                .bind("q", clockQuality)
                .create()));
    }

    private static List<Double> values(QueryResult result) {
        List<Double> values = new ArrayList<>();
        QueryResult.Result first = result.getResults().get(0);
        if (first.getSeries() != null) {
            first.getSeries().forEach(s -> s.getValues().forEach(row -> values.add(((Number) row.get(1)).doubleValue())));
        }
        return values;
    }
}
