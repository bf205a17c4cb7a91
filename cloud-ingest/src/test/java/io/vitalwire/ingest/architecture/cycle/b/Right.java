package io.vitalwire.ingest.architecture.cycle.b;

import io.vitalwire.ingest.architecture.cycle.a.Left;

/** The other half of a deliberate package cycle (see {@link Left}). */
public class Right {

    Left left;
}
