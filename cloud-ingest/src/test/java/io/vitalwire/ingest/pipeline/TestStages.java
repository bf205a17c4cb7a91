package io.vitalwire.ingest.pipeline;

import java.util.function.Consumer;

/** Stages for tests that declare pipelines of their own: a name and what to do with each claim. */
public final class TestStages {

    private TestStages() {
    }

    public static Stage named(String name, Consumer<StageBatch> handle) {
        return new Stage() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void handle(StageBatch batch) {
                handle.accept(batch);
            }
        };
    }
}
