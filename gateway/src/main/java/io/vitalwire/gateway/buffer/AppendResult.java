package io.vitalwire.gateway.buffer;

import java.util.Set;

/**
 * The outcome of one append: how many readings were new, and how many were already in the buffer under the same
 * idempotency key (a device re-sending a record). Both are safe to acknowledge to the device.
 *
 * @param knownKeys the keys of the readings that were already there
 */
public record AppendResult(int added, int alreadyKnown, Set<String> knownKeys) {

    public AppendResult {
        knownKeys = Set.copyOf(knownKeys);
    }
}
