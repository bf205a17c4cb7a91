package io.vitalwire.ingest.security;

/**
 * The admin API's roles, as the issuer puts them in the token's roles claim ({@link ClaimPathRolesFinder}).
 * cloud-ingest's README has the table of who may call what; each controller method names its roles with
 * {@code @Secured}, and a route without one is refused to everybody.
 */
public final class AdminRoles {

    /** Reads everything, writes nothing: the compliance reviewer. */
    public static final String AUDITOR = "auditor";
    /** Runs the pipeline: reads, replays the quarantine and dead webhook deliveries. */
    public static final String OPERATOR = "operator";
    /** Acts for the care team: thresholds, webhook endpoints, acknowledging alerts. */
    public static final String CLINICAL_ADMIN = "clinical-admin";
    /** Scrapes {@code /prometheus} and nothing else (a Prometheus server's token). */
    public static final String METRICS = "metrics";

    private AdminRoles() {
    }
}
