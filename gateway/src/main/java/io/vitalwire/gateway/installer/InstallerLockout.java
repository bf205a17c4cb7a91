package io.vitalwire.gateway.installer;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Rate limit for the installer code. Each client address is OPEN or LOCKED: {@code maxFailures} wrong codes in a row
 * lock it for the lockout, doubling with each lockout up to the maximum; a right code opens it again and forgets its
 * failures. All addresses together: {@code maxFailuresOverall} wrong codes since the last right one lock everyone
 * out for the maximum lockout — guessing from many addresses gets no further than from one. At ~49 bits of code,
 * that leaves an attacker a few hundred guesses a day.
 */
@Singleton
class InstallerLockout {

    /** What happened to a wrong code. */
    sealed interface Failure {
        /** The address may try again, this many more times before it is locked out. */
        record TryAgain(int attemptsLeft) implements Failure {
        }

        /** The address (or everyone) is locked out for this long. */
        record LockedOut(Duration retryAfter) implements Failure {
        }
    }

    /** One address's record: failures in a row, lockouts so far, locked until (MIN: open). */
    private record Attempts(int failures, int lockouts, Instant lockedUntil) {
        static final Attempts NONE = new Attempts(0, 0, Instant.MIN);
    }

    /** Addresses remembered at most; the least recently seen go first (the overall limit still counts them). */
    private static final int MAX_ADDRESSES = 1024;

    private final InstallerConfig config;
    private final Clock clock;
    private final Map<String, Attempts> byAddress = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Attempts> eldest) {
            return size() > MAX_ADDRESSES;
        }
    };
    private int failuresOverall;
    private Instant everyoneLockedUntil = Instant.MIN;

    @Inject
    InstallerLockout(InstallerConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    /** How long {@code address} must still wait before it may try a code; empty: it may now. */
    synchronized Optional<Duration> lockedFor(String address) {
        Instant now = clock.instant();
        Instant until = later(everyoneLockedUntil, byAddress.getOrDefault(address, Attempts.NONE).lockedUntil());
        return now.isBefore(until) ? Optional.of(Duration.between(now, until)) : Optional.empty();
    }

    /** A wrong code from {@code address} (which was not locked out). */
    synchronized Failure failed(String address) {
        Instant now = clock.instant();
        failuresOverall++;
        if (failuresOverall >= config.getMaxFailuresOverall()) {
            failuresOverall = 0;
            everyoneLockedUntil = now.plus(config.getMaxLockout());
            return new Failure.LockedOut(config.getMaxLockout());
        }
        Attempts before = byAddress.getOrDefault(address, Attempts.NONE);
        int failures = before.failures() + 1;
        if (failures < config.getMaxFailures()) {
            byAddress.put(address, new Attempts(failures, before.lockouts(), before.lockedUntil()));
            return new Failure.TryAgain(config.getMaxFailures() - failures);
        }
        Duration lockout = lockout(before.lockouts());
        byAddress.put(address, new Attempts(0, before.lockouts() + 1, now.plus(lockout)));
        return new Failure.LockedOut(lockout);
    }

    /** The right code from {@code address}: it starts afresh, and so does the overall count. */
    synchronized void succeeded(String address) {
        byAddress.remove(address);
        failuresOverall = 0;
    }

    private Duration lockout(int lockoutsBefore) {
        Duration lockout = config.getLockout();
        for (int i = 0; i < lockoutsBefore && lockout.compareTo(config.getMaxLockout()) < 0; i++) {
            lockout = lockout.multipliedBy(2);
        }
        return lockout.compareTo(config.getMaxLockout()) > 0 ? config.getMaxLockout() : lockout;
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
