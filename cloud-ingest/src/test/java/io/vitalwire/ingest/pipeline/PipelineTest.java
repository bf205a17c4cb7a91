package io.vitalwire.ingest.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pipeline's declaration: stages after the ones declared before them, tallies with the stage they follow. */
class PipelineTest {

    private final Stage first = stage("first");
    private final Stage second = stage("second");
    private final Stage third = stage("third");
    private final Tally counted = tally("counted");
    private final Tally logged = tally("logged");

    @Test
    void stagesFollowTheirStage_andTalliesAreWrittenWithTheirsOnly_inDeclarationOrder() {
        Pipeline pipeline = Pipeline.startWith(first, 1)
                .then(first, second, 2)
                .tally(first, counted)
                .then(first, third, 1)
                .tally(second, logged)
                .tally(first, logged)
                .build();

        assertThat(pipeline.first()).isEqualTo("first");
        assertThat(pipeline.next("first")).containsExactly("second", "third");
        assertThat(pipeline.tallies("first")).containsExactly(counted, logged);
        assertThat(pipeline.tallies("second")).containsExactly(logged);
        assertThat(pipeline.tallies("third")).isEmpty();
        assertThat(pipeline.steps()).extracting(Pipeline.Step::name).as("a tally is no stage")
                .containsExactly("first", "second", "third");
    }

    @Test
    void aTallyAfterAStageNotDeclaredBeforeIt_isRefused() {
        assertThatThrownBy(() -> Pipeline.startWith(first, 1).tally(second, counted))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("counted is written with second, which is not declared before it");
        Pipeline pipeline = Pipeline.startWith(first, 1).build();
        assertThatThrownBy(() -> pipeline.tallies("second")).isInstanceOf(IllegalArgumentException.class);
    }

    private static Stage stage(String name) {
        return TestStages.named(name, batch -> batch.entries().forEach(e -> batch.done(e, name)));
    }

    private static Tally tally(String name) {
        return new Tally() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void record(Connection transaction, List<StageEntry> finished) {
            }
        };
    }
}
