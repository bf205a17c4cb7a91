package io.vitalwire.ingest.bench;

/** Timing and arguments shared by the ingest benchmarks. */
final class BenchStats {

    private BenchStats() {
    }

    static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    static int intArg(String[] args, int index, int fallback) {
        return args.length > index ? Integer.parseInt(args[index]) : fallback;
    }
}
