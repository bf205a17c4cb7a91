package io.vitalwire.ingest.notify;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which alerts an endpoint receives: those of the listed tenants (empty: every tenant), of the listed kinds
 * ({@code clinical}, {@code operations}; empty: both), and at least {@code minSeverity} ({@code warning}: every alert,
 * {@code critical}: critical ones only).
 */
public record Filters(List<String> tenants, List<String> kinds, String minSeverity) {

    static final List<String> SEVERITIES = List.of("warning", "critical");
    private static final Set<String> KINDS = Set.of("clinical", "operations");
    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /** @throws IllegalArgumentException naming what is wrong */
    public Filters {
        tenants = tenants == null ? List.of() : List.copyOf(tenants);
        kinds = kinds == null ? List.of() : List.copyOf(kinds);
        minSeverity = minSeverity == null ? "warning" : minSeverity;
        if (!tenants.stream().allMatch(t -> t != null && TENANT.matcher(t).matches()) || tenants.size() > 1000) {
            throw new IllegalArgumentException("tenants: up to 1000 ids of letters, digits, '.', '_', '-'");
        }
        if (!kinds.stream().allMatch(k -> k != null && KINDS.contains(k))) {
            throw new IllegalArgumentException("kinds: clinical, operations");
        }
        if (!SEVERITIES.contains(minSeverity)) {
            throw new IllegalArgumentException("minSeverity: warning or critical");
        }
    }

    /** Every alert. */
    static Filters all() {
        return new Filters(List.of(), List.of(), "warning");
    }

    /** The least severities of endpoints that receive an alert of {@code severity}. */
    static List<String> minSeveritiesReceiving(String severity) {
        int rank = SEVERITIES.indexOf(severity);
        if (rank < 0) {
            throw new IllegalArgumentException("unknown severity " + severity);
        }
        return SEVERITIES.subList(0, rank + 1);
    }
}
