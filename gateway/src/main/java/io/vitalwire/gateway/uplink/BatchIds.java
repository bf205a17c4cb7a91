package io.vitalwire.gateway.uplink;

import java.security.SecureRandom;
import java.util.Random;

/**
 * Names the uplink's readings messages: a random prefix drawn once per start, then a counter. A receipt names the
 * batches whose readings cloud-ingest holds, so a name must never come back: not after a restart (the counter starts
 * over, the prefix does not: 10 base-36 characters, 51 bits), and not when rows are sent again (a new message, a new
 * name), so a late receipt of the first message can only settle the rows it carried. Not thread-safe: the uplink's
 * thread alone encodes.
 */
final class BatchIds {

    private static final int PREFIX_CHARS = 10;

    private final String prefix;
    private long next;

    BatchIds() {
        this(new SecureRandom());
    }

    BatchIds(Random random) {
        StringBuilder p = new StringBuilder(PREFIX_CHARS);
        for (int i = 0; i < PREFIX_CHARS; i++) {
            p.append(Character.forDigit(random.nextInt(36), 36));
        }
        this.prefix = p.toString();
    }

    String next() {
        return prefix + "-" + Long.toString(next++, 36);
    }
}
