package io.vitalwire.gateway.installer;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * The installer's sessions once the code was entered: a random 256-bit token in an HttpOnly, SameSite=Strict cookie,
 * kept here only as its SHA-256 (a memory dump holds no usable token). A session ends after {@code session-idle}
 * unused or {@code session-max} after it began; at most {@value #MAX_SESSIONS} at once (the oldest goes).
 */
@Singleton
class InstallerSessions {

    static final String COOKIE = "vw_installer";
    static final int MAX_SESSIONS = 8;

    private record Session(Instant began, Instant lastUsed) {
    }

    private final InstallerConfig config;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Session> byTokenHash = new HashMap<>();

    @Inject
    InstallerSessions(InstallerConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    /** A new session; the token to set as the cookie. */
    synchronized String begin() {
        Instant now = clock.instant();
        expire(now);
        while (byTokenHash.size() >= MAX_SESSIONS) {
            byTokenHash.entrySet().stream().min(Map.Entry.comparingByValue(
                    (a, b) -> a.began().compareTo(b.began()))).ifPresent(e -> byTokenHash.remove(e.getKey()));
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        byTokenHash.put(hash(token), new Session(now, now));
        return token;
    }

    /** Whether {@code token} is a live session; using it keeps it alive. */
    synchronized boolean use(String token) {
        if (token == null || token.isEmpty()) {
            return false;
        }
        Instant now = clock.instant();
        expire(now);
        String key = hash(token);
        Session session = byTokenHash.get(key);
        if (session == null) {
            return false;
        }
        byTokenHash.put(key, new Session(session.began(), now));
        return true;
    }

    synchronized void end(String token) {
        if (token != null) {
            byTokenHash.remove(hash(token));
        }
    }

    private void expire(Instant now) {
        byTokenHash.values().removeIf(s -> !now.isBefore(s.lastUsed().plus(config.getSessionIdle()))
                || !now.isBefore(s.began().plus(config.getSessionMax())));
    }

    private static String hash(String token) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is in every JVM", e);
        }
    }
}
