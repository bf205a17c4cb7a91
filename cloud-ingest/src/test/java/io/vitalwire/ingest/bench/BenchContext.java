package io.vitalwire.ingest.bench;

import io.micronaut.context.ApplicationContext;
import io.vitalwire.ingest.testing.TestStack;
import java.util.HashMap;
import java.util.Map;

/**
 * cloud-ingest's real application context on the dev stack, in-process, for a benchmark: a PostgreSQL schema of its
 * own (dropped on close), the MQTT consumer, the window closer and the replay sweep off, so that nothing but the
 * benchmark drives the beans it takes.
 */
final class BenchContext implements AutoCloseable {

    private final TestStack stack = new TestStack();
    private final ApplicationContext context;

    BenchContext(Map<String, String> overrides) {
        this.context = ApplicationContext.run(new HashMap<>(stack.properties(overrides)));
    }

    <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    @Override
    public void close() throws Exception {
        context.close();
        stack.dropSchema();
    }
}
