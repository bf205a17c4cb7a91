package io.vitalwire.gateway.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.contract.MeasurementType;
import io.vitalwire.contract.Reading;
import io.vitalwire.contract.Source;
import io.vitalwire.contract.Transport;
import io.vitalwire.gateway.buffer.AppendResult;
import io.vitalwire.gateway.buffer.BufferException;
import io.vitalwire.gateway.buffer.BufferSettings;
import io.vitalwire.gateway.buffer.Gap;
import io.vitalwire.gateway.buffer.Lane;
import io.vitalwire.gateway.buffer.ReadingBuffer;
import io.vitalwire.gateway.events.DeviceEvent;
import io.vitalwire.gateway.identity.GatewayAliases;
import io.vitalwire.gateway.normalize.DeviceMeasurement;
import io.vitalwire.gateway.normalize.MeasuredValue;
import io.vitalwire.gateway.normalize.Normalizer;
import io.vitalwire.gateway.normalize.Quantity;
import io.vitalwire.privacy.DeviceAliases;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one intake path against a real SQLite buffer file: what each outcome means on disk and in the counters. */
class ReadingIntakeTest {

    private static final DeviceIdentity THERMOMETER = new DeviceIdentity(null, null, "TH-7", null, null);
    private static final Instant RECEIVED = Instant.parse("2026-11-23T10:00:00Z");

    @TempDir
    Path dir;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private ReadingBuffer buffer;
    private final List<DeviceEvent> events = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        buffer.close();
    }

    private ReadingIntake intakeOver(ReadingBuffer behind) {
        buffer = behind;
        return new ReadingIntake(new Normalizer("gw-1", ZoneOffset.UTC), buffer, meters, GatewayAliases.load(dir),
                events::add, Duration.ZERO);
    }

    /** An intake that commits stream samples every {@code interval}; the test closes it before the buffer. */
    private ReadingIntake streamingIntakeOver(ReadingBuffer behind, Duration interval) {
        buffer = behind;
        return new ReadingIntake(new Normalizer("gw-1", ZoneOffset.UTC), buffer, meters, GatewayAliases.load(dir),
                events::add, interval);
    }

    private ReadingBuffer newBuffer() {
        return new ReadingBuffer(dir.resolve("buffer.db"), "FULL", Clock.systemUTC());
    }

    private ReadingIntake intake() {
        return intakeOver(newBuffer());
    }

    private static DeviceMeasurement temperature(String celsius, String unit, Long sequence) {
        return new DeviceMeasurement(THERMOMETER, MeasurementType.BODY_TEMPERATURE,
                List.of(new MeasuredValue(Quantity.BODY_TEMPERATURE, new BigDecimal(celsius), unit)), sequence,
                "2026-11-23T09:59:00Z", null, new Source(Transport.COAP, "/readings"), List.of());
    }

    private static Delivery delivery(Provenance provenance, DeviceMeasurement... measurements) {
        return new Delivery(Transport.COAP, provenance, RECEIVED, List.of(measurements));
    }

    private double readings(String outcome) {
        return meters.counter("vitalwire.intake.readings", "source", "coap", "outcome", outcome).count();
    }

    @Test
    void take_live_isDurableInTheCriticalLane_andCounted() {
        IntakeOutcome outcome = intake().take(delivery(Provenance.LIVE, temperature("36.8", "Cel", null)));

        assertThat(outcome).isInstanceOfSatisfying(IntakeOutcome.Durable.class, durable -> {
            assertThat(durable.added()).isEqualTo(1);
            assertThat(durable.alreadyKnown()).isZero();
            assertThat(durable.readings()).singleElement().extracting(Reading::mdc).isEqualTo("150364");
        });
        assertThat(buffer.stats().unsentByLane()).containsEntry(Lane.CRITICAL, 1L);
        assertThat(readings("added")).isEqualTo(1);
    }

    @Test
    void take_stored_goesToTheRoutineLane() {
        intake().take(delivery(Provenance.STORED, temperature("36.8", "Cel", 7L)));

        assertThat(buffer.stats().unsentByLane()).containsEntry(Lane.ROUTINE, 1L);
    }

    @Test
    void take_sameDeliveryAgain_isDurableAsAlreadyKnown_notStoredTwice() {
        ReadingIntake intake = intake();
        intake.take(delivery(Provenance.LIVE, temperature("36.8", "Cel", 7L)));

        IntakeOutcome again = intake.take(delivery(Provenance.LIVE, temperature("36.8", "Cel", 7L)));

        assertThat(again).isInstanceOfSatisfying(IntakeOutcome.Durable.class, duplicate -> {
            assertThat(duplicate.added()).isZero();
            assertThat(duplicate.alreadyKnown()).isEqualTo(1);
        });
        assertThat(buffer.stats().unsent()).isEqualTo(1);
        assertThat(readings("already-known")).isEqualTo(1);
    }

    @Test
    void take_noMeasurements_isDurableAndEmpty() {
        assertThat(intake().take(delivery(Provenance.LIVE))).isEqualTo(new IntakeOutcome.Durable(List.of(), 0, 0));
        assertThat(buffer.stats().unsent()).isZero();
    }

    @Test
    void take_notNormalizable_isInvalid_andNothingOfTheDeliveryIsStored() {
        IntakeOutcome outcome = intake().take(delivery(Provenance.LIVE, temperature("36.8", "Cel", 1L),
                temperature("98.6", "K", 2L)));

        assertThat(outcome).isInstanceOfSatisfying(IntakeOutcome.Invalid.class, invalid -> {
            assertThat(invalid.fault()).isEqualTo(IntakeOutcome.Fault.NOT_NORMALIZABLE);
            assertThat(invalid.diagnostic()).contains("'K'").doesNotContain("98.6");
        });
        assertThat(buffer.stats().unsent()).isZero();
    }

    @Test
    void take_implausibleValue_isRefusedNamingTheField_nothingStored_andReportedOncePerInterval() {
        ReadingIntake intake = intake();

        IntakeOutcome outcome = intake.take(delivery(Provenance.LIVE, temperature("36.8", "Cel", 1L),
                temperature("-5", "Cel", 2L)));
        intake.take(delivery(Provenance.LIVE, temperature("-5", "Cel", 3L)));
        intake.take(new Delivery(Transport.COAP, Provenance.LIVE, RECEIVED.plus(ReadingIntake.REFUSAL_REPORT_INTERVAL),
                List.of(temperature("-5", "Cel", 4L))));

        assertThat(outcome).isInstanceOfSatisfying(IntakeOutcome.Invalid.class, invalid -> {
            assertThat(invalid.fault()).isEqualTo(IntakeOutcome.Fault.IMPLAUSIBLE);
            assertThat(invalid.diagnostic()).contains("'values[0].value'", "body-temperature", "Cel")
                    .doesNotContain("-5");
        });
        assertThat(buffer.stats().unsent()).as("the plausible reading of the delivery is not stored either").isZero();
        assertThat(events).as("one event per device and type in an interval").hasSize(2).allSatisfy(e -> {
            assertThat(e.type()).isEqualTo("reading-refused");
            assertThat(e.attributes()).containsEntry("device", "sn.TH-7").containsEntry("reason", "implausible-value")
                    .containsEntry("type", "body-temperature");
        });
    }

    @Test
    void take_breaksTheContract_isInvalid() {
        IntakeOutcome outcome = intake().take(delivery(Provenance.LIVE, temperature("36.8", "Cel", -1L)));

        assertThat(outcome).isInstanceOfSatisfying(IntakeOutcome.Invalid.class, invalid ->
                assertThat(invalid.fault()).isEqualTo(IntakeOutcome.Fault.BREAKS_CONTRACT));
        assertThat(buffer.stats().unsent()).isZero();
    }

    @Test
    void take_atCapacity_isBufferFullWithARetryTime_andAGapIsRecorded() {
        // Smaller than an empty buffer file: everything below lifecycle is refused.
        ReadingIntake intake = intakeOver(new ReadingBuffer(BufferSettings.defaults(dir.resolve("full.db"))
                .withMaxSizeBytes(16 * 1024), Clock.systemUTC(), new SimpleMeterRegistry()));

        IntakeOutcome outcome = intake.take(delivery(Provenance.STORED, temperature("36.8", "Cel", 7L)));

        assertThat(outcome).isEqualTo(new IntakeOutcome.BufferFull(Duration.ofSeconds(60)));
        assertThat(buffer.stats().unsent()).isZero();
        assertThat(buffer.unreportedGaps()).extracting(Gap::lane).containsExactly(Lane.ROUTINE);
    }

    @Test
    void take_bufferCannotCommit_isBufferFailing() {
        ReadingIntake intake = intakeOver(new ReadingBuffer(dir.resolve("failing.db"), "FULL", Clock.systemUTC()) {
            @Override
            public AppendResult append(Lane lane, List<Reading> readings) {
                throw new BufferException("append failed", new SQLException("disk I/O error (scripted)"));
            }
        });

        IntakeOutcome outcome = intake.take(delivery(Provenance.LIVE, temperature("36.8", "Cel", null)));

        assertThat(outcome).isInstanceOfSatisfying(IntakeOutcome.BufferFailing.class, failing ->
                assertThat(failing.diagnostic()).contains("disk I/O error"));
        assertThat(readings("added")).isZero();
    }

    @Test
    void take_untimedReadingInAMillisecondAlreadyKeyed_afterTheClockWasSetBack_isKeptApart_notTakenForKnown() {
        ReadingIntake intake = intake();
        DeviceMeasurement before = untimedTemperature("36.8");
        DeviceMeasurement afterSetBack = untimedTemperature("37.4");
        intake.take(delivery(Provenance.LIVE, before));

        // The clock set back re-lives RECEIVED: another measurement of the same device and code, the same millisecond.
        IntakeOutcome outcome = intake.take(delivery(Provenance.LIVE, afterSetBack));

        assertThat(outcome).isInstanceOfSatisfying(IntakeOutcome.Durable.class, durable -> {
            assertThat(durable.added()).isEqualTo(1);
            assertThat(durable.alreadyKnown()).isZero();
            assertThat(durable.readings()).singleElement().satisfies(r -> {
                assertThat(r.key()).endsWith("/r" + RECEIVED.plusMillis(1).toEpochMilli() + "/150364");
                assertThat(r.receivedAt()).isEqualTo(RECEIVED.plusMillis(1));
            });
        });
        assertThat(buffer.stats().unsent()).as("both readings kept").isEqualTo(2);
        assertThat(buffer.claimNext(10)).extracting(b -> b.reading().values().get(0).value().toPlainString())
                .containsExactlyInAnyOrder("36.8", "37.4");
    }

    /** A stream's untimed samples, one a second as a strap sends them. */
    private static Delivery streamSample(int second) {
        return new Delivery(Transport.COAP, Provenance.LIVE, RECEIVED.plusSeconds(second),
                List.of(untimedTemperature("36." + second % 10)));
    }

    /** A buffer that counts its group commits' calls. */
    private ReadingBuffer countingAppends(AtomicInteger appends) {
        return new ReadingBuffer(dir.resolve("buffer.db"), "FULL", Clock.systemUTC()) {
            @Override
            public List<EachAppend> appendEach(Lane lane, List<List<Reading>> each) {
                appends.incrementAndGet();
                return super.appendEach(lane, each);
            }
        };
    }

    @Test
    void takeStreamed_theSamplesOfAnInterval_areCommittedTogether_whenItEnds() throws Exception {
        AtomicInteger appends = new AtomicInteger();
        ReadingIntake intake = streamingIntakeOver(countingAppends(appends), Duration.ofMillis(500));
        try {
            for (int second = 0; second < 5; second++) {
                assertThat(intake.takeStreamed(streamSample(second))).isInstanceOfSatisfying(
                        IntakeOutcome.Streamed.class, streamed -> assertThat(streamed.readings()).hasSize(1));
            }
            assertThat(buffer.stats().unsent()).as("nothing committed before the interval ends").isZero();
            assertThat(intake.streamSamplesWaiting()).isEqualTo(5);

            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (buffer.stats().unsent() < 5 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(buffer.stats().unsentByLane()).containsEntry(Lane.CRITICAL, 5L);
            assertThat(appends).as("one commit for the five samples").hasValue(1);
            assertThat(intake.streamSamplesWaiting()).isZero();
            assertThat(readings("added")).isEqualTo(5);
        } finally {
            intake.close();
        }
    }

    @Test
    void takeStreamed_samplesOfOneMillisecondInOneGroup_areEachKeptOnce() {
        ReadingIntake intake = streamingIntakeOver(newBuffer(), Duration.ofHours(1));
        for (String celsius : List.of("36.1", "36.2", "36.3")) {
            intake.takeStreamed(new Delivery(Transport.COAP, Provenance.LIVE, RECEIVED,
                    List.of(untimedTemperature(celsius))));
        }

        intake.close();

        assertThat(buffer.stats().unsent()).isEqualTo(3);
        assertThat(buffer.claimNext(10)).extracting(b -> b.reading().values().get(0).value().toPlainString(),
                        b -> b.reading().receivedAt())
                .containsExactlyInAnyOrder(tuple("36.1", RECEIVED), tuple("36.2", RECEIVED.plusMillis(1)),
                        tuple("36.3", RECEIVED.plusMillis(2)));
        assertThat(readings("added")).isEqualTo(3);
    }

    @Test
    void takeStreamed_anInvalidSample_isRefusedAtOnce_andNeverCommitted() {
        ReadingIntake intake = streamingIntakeOver(newBuffer(), Duration.ofHours(1));

        IntakeOutcome outcome = intake.takeStreamed(delivery(Provenance.LIVE, temperature("-5", "Cel", 1L)));
        intake.close();

        assertThat(outcome).isInstanceOfSatisfying(IntakeOutcome.Invalid.class, invalid ->
                assertThat(invalid.fault()).isEqualTo(IntakeOutcome.Fault.IMPLAUSIBLE));
        assertThat(buffer.stats().unsent()).isZero();
    }

    @Test
    void close_commitsTheWaitingSamplesAtOnce_andLaterOnesOnTheirOwn() {
        AtomicInteger appends = new AtomicInteger();
        ReadingIntake intake = streamingIntakeOver(countingAppends(appends), Duration.ofHours(1));
        intake.takeStreamed(streamSample(0));
        intake.takeStreamed(streamSample(1));

        intake.close();
        assertThat(buffer.stats().unsent()).isEqualTo(2);
        assertThat(appends).hasValue(1);

        intake.takeStreamed(streamSample(2));
        assertThat(buffer.stats().unsent()).isEqualTo(3);
    }

    @Test
    void takeStreamed_aStoredRecord_isCommittedBeforeTheAnswer_asTakeDoes() {
        ReadingIntake intake = streamingIntakeOver(newBuffer(), Duration.ofHours(1));

        IntakeOutcome outcome = intake.takeStreamed(delivery(Provenance.STORED, temperature("36.8", "Cel", 7L)));
        intake.close();

        assertThat(outcome).isInstanceOf(IntakeOutcome.Durable.class);
        assertThat(buffer.stats().unsentByLane()).containsEntry(Lane.ROUTINE, 1L);
    }

    @Test
    void takeStreamed_aCommitThatFails_countsItsSamplesLost() {
        ReadingIntake intake = streamingIntakeOver(new ReadingBuffer(dir.resolve("failing.db"), "FULL",
                Clock.systemUTC()) {
            @Override
            public List<EachAppend> appendEach(Lane lane, List<List<Reading>> each) {
                return each.stream().map(r -> new EachAppend(null, new BufferException("append failed",
                        new SQLException("disk I/O error (scripted)")))).toList();
            }
        }, Duration.ofHours(1));
        intake.takeStreamed(streamSample(0));
        intake.takeStreamed(streamSample(1));

        intake.close();

        assertThat(readings("lost-buffer-failing")).isEqualTo(2);
        assertThat(readings("added")).isZero();
    }

    /** A measurement without a device time or sequence (a SenML record without a time): keyed by receive time. */
    private static DeviceMeasurement untimedTemperature(String celsius) {
        return new DeviceMeasurement(THERMOMETER, MeasurementType.BODY_TEMPERATURE,
                List.of(new MeasuredValue(Quantity.BODY_TEMPERATURE, new BigDecimal(celsius), "Cel")), null, null,
                null, new Source(Transport.COAP, "/readings"), List.of());
    }
}
