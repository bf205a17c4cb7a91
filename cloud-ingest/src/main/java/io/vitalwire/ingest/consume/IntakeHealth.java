package io.vitalwire.ingest.consume;

import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.vitalwire.ingest.db.SqlFailure;
import io.vitalwire.ingest.inbox.InboxHealthIndicator;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.reactivestreams.Publisher;

/**
 * {@code /health} → {@code intake}: whether this replica's consumer can make what it receives durable in the inbox.
 * {@code failing} while commits fail, with since when and the class of failure: {@code transient} (PostgreSQL down,
 * retried) or {@code configuration} (credentials, privileges, schema: held, and it will not pass by itself). The
 * messages stay unacknowledged meanwhile, so the broker keeps them; like the inbox's indicator this is
 * {@code DEGRADED}, still operational, since a restart would not help.
 */
@Singleton
public class IntakeHealth implements HealthIndicator {

    /** The consumer's state as it last saw it. */
    private record Status(boolean failing, Instant since, SqlFailure failure, String sqlState) {
    }

    private final Clock clock;
    private final AtomicReference<Status> status = new AtomicReference<>(new Status(false, null, null, null));

    public IntakeHealth(Clock clock) {
        this.clock = clock;
    }

    void committed() {
        status.getAndUpdate(s -> s.failing() || s.since() == null ? new Status(false, clock.instant(), null, null) : s);
    }

    void failed(SqlFailure failure, String sqlState) {
        Instant now = clock.instant();
        status.getAndUpdate(s -> new Status(true, s.failing() ? s.since() : now, failure, sqlState));
    }

    boolean isFailing() {
        return status.get().failing();
    }

    @Override
    public Publisher<HealthResult> getResult() {
        Status s = status.get();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("state", s.failing() ? "failing" : "ok");
        details.put("since", s.since() == null ? null : s.since().toString());
        details.put("cause", s.failure() == null ? null : s.failure().tag());
        details.put("sqlState", s.sqlState());
        return Publishers.just(HealthResult.builder("intake", s.failing() ? InboxHealthIndicator.DEGRADED
                : HealthStatus.UP).details(details).build());
    }
}
