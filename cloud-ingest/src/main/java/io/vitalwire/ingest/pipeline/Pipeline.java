package io.vitalwire.ingest.pipeline;

import io.vitalwire.contract.Reading;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The order of the stages, declared once ({@code IngestPipeline} builds it) and read by the inbox's store, claims
 * and workers: which stage a new reading is pending in first, and which stages follow each one. A stage runs only
 * after the stage it follows is done with the reading; stages that follow the same one run independently of each
 * other, each with its own state, retries and workers, so one failing service holds back nothing else. A
 * {@link Tally} has none of these: it is written in the commit of the stage it follows.
 */
public final class Pipeline {

    /**
     * One declared stage.
     *
     * @param after   the stage it follows; {@code null} for the first
     * @param workers this replica's worker threads for it
     */
    public record Step(Stage stage, String after, int workers) {

        public String name() {
            return stage.name();
        }
    }

    /** One declared tally: {@code tally} is written in the commit of {@code after}'s claims. */
    private record Tallied(Tally tally, String after) {
    }

    private final Map<String, Step> steps;
    private final List<Tallied> tallies;
    private final Predicate<Reading> express;

    private Pipeline(Map<String, Step> steps, List<Tallied> tallies, Predicate<Reading> express) {
        this.steps = steps;
        this.tallies = tallies;
        this.express = express;
    }

    /**
     * Whether the reading goes by the express lane: in every stage, workers that take only such readings claim it
     * without waiting behind the claims of everything else.
     */
    public boolean isExpress(Reading reading) {
        return express.test(reading);
    }

    /** Starts a declaration with the stage every new reading is pending in. */
    public static Builder startWith(Stage first, int workers) {
        return new Builder().add(new Step(first, null, workers));
    }

    /** Every stage in declaration order. */
    public List<Step> steps() {
        return List.copyOf(steps.values());
    }

    /** The stage a new reading is pending in. */
    public String first() {
        return steps.keySet().iterator().next();
    }

    /** The stages that follow {@code stage}: each has the reading pending once {@code stage} is done with it. */
    public List<String> next(String stage) {
        step(stage);
        List<String> next = new ArrayList<>();
        for (Step s : steps.values()) {
            if (stage.equals(s.after())) {
                next.add(s.name());
            }
        }
        return next;
    }

    /** The tallies written in the commit of {@code stage}'s claims, in declaration order. */
    public List<Tally> tallies(String stage) {
        step(stage);
        return tallies.stream().filter(t -> t.after().equals(stage)).map(Tallied::tally).toList();
    }

    /** The stage's position in declaration order (its advisory-lock namespace, the order of explain trails). */
    public int index(String stage) {
        step(stage);
        return new ArrayList<>(steps.keySet()).indexOf(stage);
    }

    /** Whether {@code stage} is declared. */
    public boolean has(String stage) {
        return steps.containsKey(stage);
    }

    public Step step(String stage) {
        Step s = steps.get(stage);
        if (s == null) {
            throw new IllegalArgumentException("no stage " + stage + " in the pipeline " + steps.keySet());
        }
        return s;
    }

    /** Declares the stages one line each, every stage after one declared before it. */
    public static final class Builder {

        private final Map<String, Step> steps = new LinkedHashMap<>();
        private final List<Tallied> tallies = new ArrayList<>();
        private Predicate<Reading> express = reading -> false;

        private Builder add(Step step) {
            if (!step.name().matches("[a-z][a-z0-9-]{0,30}")) {
                throw new IllegalArgumentException("a stage name is lower case, e.g. resolve: " + step.name());
            }
            if (steps.putIfAbsent(step.name(), step) != null) {
                throw new IllegalArgumentException("stage " + step.name() + " declared twice");
            }
            return this;
        }

        /** Declares {@code stage} to follow {@code after}, which must be declared already. */
        public Builder then(Stage after, Stage stage, int workers) {
            if (!steps.containsKey(after.name())) {
                throw new IllegalArgumentException(stage.name() + " follows " + after.name()
                        + ", which is not declared before it");
            }
            return add(new Step(stage, after.name(), workers));
        }

        /**
         * Declares {@code tally} to be written in the commit of every claim of {@code after}, which must be declared
         * already, for the entries the claim finished.
         */
        public Builder tally(Stage after, Tally tally) {
            if (!steps.containsKey(after.name())) {
                throw new IllegalArgumentException(tally.name() + " is written with " + after.name()
                        + ", which is not declared before it");
            }
            tallies.add(new Tallied(tally, after.name()));
            return this;
        }

        /** Declares which readings go by the express lane (by default none). */
        public Builder express(Predicate<Reading> readings) {
            this.express = readings;
            return this;
        }

        public Pipeline build() {
            return new Pipeline(new LinkedHashMap<>(steps), List.copyOf(tallies), express);
        }
    }
}
