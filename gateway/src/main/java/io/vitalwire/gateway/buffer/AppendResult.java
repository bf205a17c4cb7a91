package io.vitalwire.gateway.buffer;

/**
 * The outcome of one append: how many readings were new, and how many were already in the buffer under the same
 * idempotency key (a device re-sending a record). Both are safe to acknowledge to the device.
 */
public record AppendResult(int added, int alreadyKnown) {
}
