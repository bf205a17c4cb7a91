package io.vitalwire.ingest.billing;

import io.micronaut.context.annotation.EachProperty;
import io.micronaut.context.annotation.Parameter;

/**
 * One billing code and the days with readings a period needs for it, as {@code vitalwire.ingest.billing.codes.<code>}:
 * {@code min-days} (required) and {@code max-days} (none: up to the whole period). application.yml sets CPT 99454
 * (device supply, 16–30 days); the 2026 CPT 99445 (2–15 days) is {@code codes.99445.min-days: 2, max-days: 15}.
 */
@EachProperty("vitalwire.ingest.billing.codes")
public class BillingCode {

    private final String code;
    private int minDays = 16;
    private Integer maxDays;

    public BillingCode(@Parameter String name) {
        this.code = name;
    }

    public String getCode() {
        return code;
    }

    /** The fewest days with readings in a period that meet the code. Default 16. */
    public int getMinDays() {
        return minDays;
    }

    public void setMinDays(int minDays) {
        this.minDays = minDays;
    }

    /** The most days that still meet it (a code for fewer days than another); null: no upper bound. */
    public Integer getMaxDays() {
        return maxDays;
    }

    public void setMaxDays(Integer maxDays) {
        this.maxDays = maxDays;
    }

    /** Whether a period with this many days with readings meets the code. */
    public boolean metBy(int days) {
        return days >= minDays && (maxDays == null || days <= maxDays);
    }
}
