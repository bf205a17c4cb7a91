package io.vitalwire.ingest.rules;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/** How urgent an alert is; ordered, so that "worse" is a comparison. */
public enum Severity {
    @JsonProperty("warning") WARNING,
    @JsonProperty("critical") CRITICAL;

    public boolean worseThan(Severity other) {
        return other == null || compareTo(other) > 0;
    }

    /** The name in JSON, the admin API and webhooks. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Severity of(String id) {
        for (Severity s : values()) {
            if (s.id().equals(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException("no severity '" + id + "' (warning, critical)");
    }
}
