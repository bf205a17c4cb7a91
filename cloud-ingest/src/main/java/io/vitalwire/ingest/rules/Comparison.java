package io.vitalwire.ingest.rules;

import java.math.BigDecimal;
import java.util.Locale;

/**
 * One limit of a band: {@code value op limit}, the limit in the rule's canonical unit.
 *
 * @param op    {@code lt}, {@code le}, {@code gt} or {@code ge}
 * @param limit the limit, exact
 */
public record Comparison(Op op, BigDecimal limit) {

    /** The comparison operators of threshold overrides. */
    public enum Op {
        LT, LE, GT, GE;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Op of(String id) {
            for (Op op : values()) {
                if (op.id().equals(id)) {
                    return op;
                }
            }
            throw new IllegalArgumentException("no operator '" + id + "' (lt, le, gt, ge)");
        }
    }

    public Comparison {
        if (op == null || limit == null) {
            throw new IllegalArgumentException("a comparison needs an operator and a limit");
        }
    }

    public static Comparison lt(String limit) {
        return new Comparison(Op.LT, new BigDecimal(limit));
    }

    public static Comparison le(String limit) {
        return new Comparison(Op.LE, new BigDecimal(limit));
    }

    public static Comparison gt(String limit) {
        return new Comparison(Op.GT, new BigDecimal(limit));
    }

    public static Comparison ge(String limit) {
        return new Comparison(Op.GE, new BigDecimal(limit));
    }

    /** Whether {@code value} is beyond this limit. */
    public boolean holds(BigDecimal value) {
        int c = value.compareTo(limit);
        return switch (op) {
            case LT -> c < 0;
            case LE -> c <= 0;
            case GT -> c > 0;
            case GE -> c >= 0;
        };
    }
}
