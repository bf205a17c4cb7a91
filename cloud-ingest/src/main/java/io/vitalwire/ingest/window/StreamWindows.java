package io.vitalwire.ingest.window;

import io.vitalwire.contract.Reading;
import io.vitalwire.ingest.pipeline.Owner;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.Quantity;

/**
 * Continuous streams, windowed: decides which readings are samples of a stream (by their source, see
 * {@link WindowConfig#getSources()}) and keeps those samples durably in their windows, grouped per patient, device
 * (with user index) and code in fixed windows aligned to the clock. The FHIR stage's window closer writes each
 * window as one Observation once it has ended.
 */
@Singleton
public class StreamWindows {

    private final WindowStore store;
    private final Set<String> sources;
    private final Duration length;
    private final Duration grace;
    private final Clock clock;

    public StreamWindows(WindowStore store, WindowConfig config, Clock clock) {
        this.store = store;
        this.clock = clock;
        this.sources = Set.copyOf(config.getSources());
        this.length = config.getLength();
        this.grace = config.getGrace();
        Duration period = config.getSamplePeriod();
        if (length.compareTo(Duration.ofSeconds(1)) < 0 || length.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException("vitalwire.ingest.window.length must be whole seconds, at least 1s");
        }
        if (period.isNegative() || period.isZero() || period.compareTo(length) > 0) {
            throw new IllegalArgumentException("vitalwire.ingest.window.sample-period must be within (0, length]");
        }
    }

    /** Whether the reading is a sample of a continuous stream rather than a spot measurement. */
    public boolean isContinuous(Reading reading) {
        return sources.contains(reading.source().ref());
    }

    /** The reading as a sample of its window; {@code value} is its single value, checked against its profile. */
    public WindowedSample sample(Reading reading, Owner owner, Quantity value) {
        return new WindowedSample(StreamWindow.of(reading, owner, value.getCode(), length),
                new Sample(reading.key(), reading.measuredAt(), value.getValue(), reading.clockQuality()));
    }

    /**
     * Stores the samples durably in their windows; returns once committed, so the message may then be
     * acknowledged. A redelivered sample is not stored twice.
     *
     * @return the id of each sample's window, by reading key
     */
    public Map<String, Long> add(List<WindowedSample> samples) {
        return store.add(samples, clock.instant(), grace);
    }
}
