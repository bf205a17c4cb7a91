package io.vitalwire.ingest.security;

import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.authentication.Authentication;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records every write that reached the admin API ({@link AdminAuditLog}): any method but GET, HEAD and OPTIONS,
 * whatever it answered (a refused change is worth knowing about too). Requests without a valid token or role never
 * reach it: the security filter answers 401/403 first. Recorded after the answer, so the entry holds the status;
 * if recording fails the write stands and the failure is logged as an error for the operators.
 */
@ServerFilter("/admin/**")
public class AdminWriteAudit {

    private static final Logger LOG = LoggerFactory.getLogger(AdminWriteAudit.class);
    private static final Set<HttpMethod> READS = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

    private final AdminAuditLog log;

    public AdminWriteAudit(AdminAuditLog log) {
        this.log = log;
    }

    @ResponseFilter
    @ExecuteOn(TaskExecutors.BLOCKING)
    public void record(HttpRequest<?> request, MutableHttpResponse<?> response) {
        if (READS.contains(request.getMethod())) {
            return;
        }
        Authentication who = request.getUserPrincipal(Authentication.class).orElse(null);
        String subject = who == null ? "anonymous" : who.getName();
        List<String> roles = who == null ? List.of() : new ArrayList<>(who.getRoles());
        String query = request.getUri().getRawQuery();
        try {
            log.record(subject, roles, request.getMethodName(), request.getPath(), query, response.code());
        } catch (SQLException e) {
            // Not the path: it names devices and patients. The method and the SQL state say enough to look further.
            LOG.error("an admin write ({}) by {} was not audited: SQL state {}", request.getMethodName(), subject,
                    e.getSQLState());
        }
    }
}
