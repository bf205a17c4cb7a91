package io.vitalwire.ingest;

import io.vitalwire.contract.Reading;
import io.vitalwire.ingest.quarantine.QuarantineReason;
import io.vitalwire.ingest.resolve.Resolution;
import io.vitalwire.ingest.window.WindowedSample;
import org.hl7.fhir.r4.model.Observation;

/** Where one reading goes, decided by {@link ReadingRouter} from its owner and its kind. */
public sealed interface Route {

    Reading reading();

    /** A reading whose patient is known: it goes to FHIR (as itself or in its window) and to InfluxDB. */
    sealed interface Owned extends Route {
        Resolution.Assigned owner();
    }

    /** A spot measurement, mapped to its own Observation. */
    record Spot(Reading reading, Resolution.Assigned owner, Observation observation) implements Owned {
    }

    /** A sample of a continuous stream, on its way into its window. */
    record Sample(Reading reading, Resolution.Assigned owner, WindowedSample sample) implements Owned {
    }

    /** To be set aside with a reason: no patient for it, or no Observation can hold it. */
    record Refused(Reading reading, QuarantineReason reason, String detail) implements Route {
    }
}
