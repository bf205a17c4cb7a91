package io.vitalwire.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * What a program printed to {@code System.out}, for tests of programs whose output is their result (the benchmarks'
 * summaries): {@code try (PrintedOutput printed = PrintedOutput.capture()) { …; printed.text() … }}. Closing puts the
 * real standard output back and echoes what was captured to it, so the build log still shows it.
 */
public final class PrintedOutput implements AutoCloseable {

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream out;

    private PrintedOutput() {
        out = System.out;
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    }

    /** Captures from now until {@link #close}. */
    public static PrintedOutput capture() {
        return new PrintedOutput();
    }

    /** Everything printed since the capture began. */
    public String text() {
        return printed.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        System.setOut(out);
        out.print(text());
    }
}
