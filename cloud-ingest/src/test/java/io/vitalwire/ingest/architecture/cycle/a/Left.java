package io.vitalwire.ingest.architecture.cycle.a;

import io.vitalwire.ingest.architecture.cycle.b.Right;

/** Half of a deliberate package cycle: proves {@code ArchitectureTest}'s cycle rule can fail. */
public class Left {

    Right right;
}
