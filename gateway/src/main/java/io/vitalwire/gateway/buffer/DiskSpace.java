package io.vitalwire.gateway.buffer;

import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether the buffer's filesystem lets it commit: {@code WRITABLE}, or {@code FULL} since a commit failed with
 * {@code SQLITE_FULL}. SQLite leaves the file intact on such a failure (the transaction is rolled back, the WAL is
 * consistent), so the only harm is what the buffer can no longer take; it is told by health, counters and a gap.
 * Two guarded transitions, each reporting whether it happened, so that each change is logged once.
 */
final class DiskSpace {

    /** SQLite's primary result code for "insertion failed because database is full" (ENOSPC on a write). */
    private static final int SQLITE_FULL = 13;

    private volatile Instant fullSince;

    /** Whether {@code e} or a cause of it is SQLite's {@code SQLITE_FULL} (extended codes included). */
    static boolean isFull(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && (sql.getErrorCode() & 0xff) == SQLITE_FULL) {
                return true;
            }
        }
        return false;
    }

    /** WRITABLE → FULL; @return whether it was writable until now */
    boolean full(Instant at) {
        synchronized (this) {
            if (fullSince != null) {
                return false;
            }
            fullSince = at;
            return true;
        }
    }

    /** FULL → WRITABLE, after a commit succeeded; @return whether it was full until now */
    boolean writable() {
        if (fullSince == null) {
            return false;
        }
        synchronized (this) {
            boolean was = fullSince != null;
            fullSince = null;
            return was;
        }
    }

    Optional<Instant> fullSince() {
        return Optional.ofNullable(fullSince);
    }
}
