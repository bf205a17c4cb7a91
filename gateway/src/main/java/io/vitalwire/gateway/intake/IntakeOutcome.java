package io.vitalwire.gateway.intake;

import io.vitalwire.contract.Reading;
import java.time.Duration;
import java.util.List;

/**
 * What became of one {@link Delivery}, in terms every transport can map to its own protocol. Only {@link Durable}
 * may be acknowledged to the device; after any other outcome nothing of the delivery is in the buffer.
 */
public sealed interface IntakeOutcome {

    /**
     * Every reading is on disk, newly committed or already there under the same idempotency key (a device sending a
     * record again). Safe to acknowledge.
     *
     * @param readings     the normalized readings, in the delivery's order; empty when it held none
     * @param added        readings committed by this delivery
     * @param alreadyKnown readings the buffer already held: a duplicate delivery has {@code added == 0}
     */
    record Durable(List<Reading> readings, int added, int alreadyKnown) implements IntakeOutcome {

        public Durable {
            readings = List.copyOf(readings);
        }
    }

    /**
     * A continuous stream's samples ({@link ReadingIntake#takeStreamed}), normalized and valid, waiting for the
     * commit of the next stream group: not on disk yet. Nothing may be acknowledged for them — a stream acknowledges
     * nothing to its device.
     *
     * @param readings the normalized readings, in the delivery's order
     */
    record Streamed(List<Reading> readings) implements IntakeOutcome {

        public Streamed {
            readings = List.copyOf(readings);
        }
    }

    /**
     * The input's fault: sending the same again will be refused again.
     *
     * @param diagnostic names fields, units and rules, never values: it may end up in logs and device answers
     */
    record Invalid(Fault fault, String diagnostic) implements IntakeOutcome {
    }

    /** Why an input is {@link Invalid}. */
    enum Fault {
        /** The measurement cannot become a reading (a unit the profile refuses, blood pressure without systolic). */
        NOT_NORMALIZABLE,
        /** The reading it would become breaks the gateway ↔ cloud contract (a field out of its allowed shape). */
        BREAKS_CONTRACT,
        /**
         * A value outside the contract's plausibility bounds: a device fault (a thermometer's −5 °C), never forwarded.
         * Reported as a {@code reading-refused} device event as well.
         */
        IMPLAUSIBLE
    }

    /**
     * The buffer is at capacity for this provenance's share of space, or its disk is full; nothing was stored and a
     * gap was recorded (on a full disk, once a commit succeeds again).
     *
     * @param retryAfter when asking again may succeed, for transports that can tell the device (CoAP Max-Age)
     */
    record BufferFull(Duration retryAfter) implements IntakeOutcome {
    }

    /** The buffer could not commit (disk, database): nothing was stored; the same delivery may succeed later. */
    record BufferFailing(String diagnostic) implements IntakeOutcome {
    }
}
