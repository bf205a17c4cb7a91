package io.vitalwire.ingest.fhir;

import io.vitalwire.ingest.window.Sample;
import io.vitalwire.ingest.window.StreamWindow;
import io.vitalwire.ingest.window.WindowConfig;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.StringJoiner;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.SampledData;
import org.hl7.fhir.r4.model.SimpleQuantity;

/**
 * Maps a window of a continuous stream to one Observation that conforms to the R4 vital-signs profiles:
 *
 * <ul>
 *   <li>{@code code} is the LOINC code (8867-4 heart rate, 2708-6 and 59408-5 SpO2); the stream's MDC code is the
 *       code of the component with the samples, since invariant obs-7 allows no code in both places.</li>
 *   <li>{@code valueQuantity} is the <b>median</b> of the window's samples. The heartrate and oxygensat profiles
 *       accept only a Quantity as the value, so a summary has to stand for the window; the median because worn
 *       sensors produce artefacts (a strap losing skin contact, a finger moving in the oximeter), and a single
 *       spike moves the mean but not the median. It is exact, not rounded: the middle sample, or the mean of the two
 *       middle samples for an even count, which has at most one decimal more than the samples.</li>
 *   <li>{@code effectivePeriod} is the window: from its start to the last millisecond before the next window
 *       starts, since FHIR's {@code Period.end} is inclusive.</li>
 *   <li>{@code component[0]} carries every sample as {@code valueSampledData}, code = the stream's MDC code:
 *       origin 0 in the stream's UCUM unit, {@code period} = the grid's period in ms, and one grid slot per period
 *       from the window's start, each sample in the slot of its measurement time, "E" where a slot has none.
 *       Samples that share a slot (two sharing a timestamp, or a device's jitter) are all kept: {@code dimensions}
 *       is the most samples any slot holds, and a slot lists its samples in time order, then "E" for the rest.</li>
 *   <li>one {@link FhirSystems#CLOCK_QUALITY} extension per clock quality among the window's samples, in the
 *       contract's order ({@code synced}, {@code corrected}, {@code uncorrected}, {@code receive-time}): a window
 *       mixes samples, and listing what it holds leaves no ranking of, say, an uncorrected device time against a
 *       receive time to argue about. Samples stored before the window store kept their quality add none.</li>
 * </ul>
 * The identifier is the window's ({@link FhirSystems#READING_WINDOW}), so the window's Observation is written with
 * a conditional update on it and revised in place by late samples.
 */
@Singleton
public class WindowObservationMapper {

    private final ObservationMapper mapper;
    private final long samplePeriodMillis;

    @Inject
    public WindowObservationMapper(ObservationMapper mapper, WindowConfig config) {
        this(mapper, config.getSamplePeriod());
    }

    WindowObservationMapper(ObservationMapper mapper, Duration samplePeriod) {
        this.mapper = mapper;
        this.samplePeriodMillis = samplePeriod.toMillis();
    }

    /** @param samples the window's samples, at least one */
    public Observation map(StreamWindow window, List<Sample> samples) {
        List<Sample> ordered = samples.stream()
                .sorted(Comparator.comparing(Sample::measuredAt).thenComparing(Sample::readingKey))
                .toList();
        // The MDC code names the samples' component; obs-7 forbids the component's code in Observation.code while
        // the Observation has a value, so Observation.code is LOINC alone (what the profiles require anyway).
        Observation o = mapper.observation(window.type(), window.loinc() == null ? window.code() : null,
                window.loinc(), window.owner());
        o.addIdentifier().setSystem(FhirSystems.READING_WINDOW).setValue(window.identifier());
        o.setEffective(new Period()
                .setStartElement(new DateTimeType(window.start().toString()))
                .setEndElement(new DateTimeType(window.end().minusMillis(1).toString())));
        o.setValue(ObservationMapper.ucum(median(ordered), window.unit()));
        o.addComponent()
                .setCode(new CodeableConcept().addCoding(new Coding()
                        .setSystem(FhirSystems.MDC).setCode(window.code())))
                .setValue(grid(window, ordered));
        ordered.stream().map(Sample::clockQuality).filter(Objects::nonNull).distinct().sorted()
                .forEach(q -> ObservationMapper.addClockQuality(o, q));
        o.addNote().setText("valueQuantity is the median of the " + ordered.size()
                + " samples of the window, which are in component[0]");
        return o;
    }

    static BigDecimal median(List<Sample> samples) {
        List<BigDecimal> values = samples.stream().map(Sample::value).sorted().toList();
        int n = values.size();
        if (n % 2 == 1) {
            return values.get(n / 2);
        }
        // Halving a decimal always terminates: exact, with at most one more decimal place.
        return values.get(n / 2 - 1).add(values.get(n / 2)).divide(BigDecimal.valueOf(2));
    }

    private SampledData grid(StreamWindow window, List<Sample> ordered) {
        int slots = (int) ((window.length().toMillis() + samplePeriodMillis - 1) / samplePeriodMillis);
        List<List<BigDecimal>> bySlot = new ArrayList<>(slots);
        for (int i = 0; i < slots; i++) {
            bySlot.add(new ArrayList<>(1));
        }
        for (Sample s : ordered) {
            long offset = s.measuredAt().toEpochMilli() - window.start().toEpochMilli();
            bySlot.get((int) (offset / samplePeriodMillis)).add(s.value());
        }
        int dimensions = bySlot.stream().mapToInt(List::size).max().orElse(1);
        StringJoiner data = new StringJoiner(" ");
        for (List<BigDecimal> slot : bySlot) {
            for (int d = 0; d < dimensions; d++) {
                data.add(d < slot.size() ? slot.get(d).toPlainString() : "E");
            }
        }
        SimpleQuantity origin = new SimpleQuantity();
        origin.setValue(BigDecimal.ZERO).setUnit(window.unit()).setSystem(FhirSystems.UCUM).setCode(window.unit());
        return new SampledData()
                .setOrigin(origin)
                .setPeriod(samplePeriodMillis)
                .setDimensions(dimensions)
                .setData(data.toString());
    }
}
