package io.vitalwire.ingest;

import io.vitalwire.ingest.quarantine.QuarantineReason;

/** What became of one reading in {@link ReadingsIngest#ingest}. */
public sealed interface ReadingOutcome {

    String readingKey();

    /** One line for operators, e.g. a quarantine entry's replay result; names ids, never values or patients. */
    String summary();

    /** A spot measurement, written: {@code observation} is its Observation, {@code Observation/…}. */
    record Delivered(String readingKey, String observation) implements ReadingOutcome {
        @Override
        public String summary() {
            return "delivered " + observation;
        }
    }

    /** A sample of a continuous stream, stored in its window; the window's Observation follows when it closes. */
    record Windowed(String readingKey, long windowId) implements ReadingOutcome {
        @Override
        public String summary() {
            return "windowed in window " + windowId;
        }
    }

    /** Set aside with a reason. */
    record Quarantined(String readingKey, QuarantineReason reason) implements ReadingOutcome {
        @Override
        public String summary() {
            return "quarantined " + reason;
        }
    }
}
