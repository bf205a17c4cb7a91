package io.vitalwire.sims.fleet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * CPU time taken by named groups of processes between two readings of {@code /proc/<pid>/stat} (user + system, in
 * clock ticks of 10 ms), as a share of one core: which process a benchmark's load keeps busy — what is bound by whom
 * on a machine whose cores the load's own parts share.
 */
final class ProcessCpu {

    private static final double TICKS_PER_SECOND = 100;

    private final Map<String, Supplier<List<Long>>> groups = new LinkedHashMap<>();
    private Map<String, Map<Long, Long>> start = Map.of();
    private long startNanos;

    /** A group whose processes are looked up at each reading (replicas come and go). */
    ProcessCpu track(String name, Supplier<List<Long>> pids) {
        groups.put(name, pids);
        return this;
    }

    void start() {
        start = ticks();
        startNanos = System.nanoTime();
    }

    /**
     * Each group's CPU since {@link #start()}, in % of one core: per process, so that one that ended meanwhile (a
     * PostgreSQL backend) takes nothing away; what it used before it ended is not counted, a slight undercount.
     */
    Map<String, Double> sinceStart() {
        Map<String, Map<Long, Long>> now = ticks();
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        Map<String, Double> shares = new LinkedHashMap<>();
        now.forEach((name, pids) -> {
            Map<Long, Long> before = start.getOrDefault(name, Map.of());
            long used = 0;
            for (Map.Entry<Long, Long> p : pids.entrySet()) {
                used += p.getValue() - before.getOrDefault(p.getKey(), 0L);
            }
            shares.put(name, 100 * used / TICKS_PER_SECOND / seconds);
        });
        return shares;
    }

    private Map<String, Map<Long, Long>> ticks() {
        Map<String, Map<Long, Long>> ticks = new LinkedHashMap<>();
        groups.forEach((name, pids) -> {
            Map<Long, Long> each = new LinkedHashMap<>();
            pids.get().forEach(pid -> each.put(pid, ticksOf(pid)));
            ticks.put(name, each);
        });
        return ticks;
    }

    private static long ticksOf(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Fields after the command (which may hold spaces) in parentheses: utime and stime are the 12th and 13th.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException gone) {
            return 0;
        }
    }

    /** The process in a pid file, and its children (PostgreSQL's backends), if it runs. */
    static List<Long> withChildren(Path pidFile) {
        List<Long> pids = new ArrayList<>();
        try {
            long pid = Long.parseLong(Files.readString(pidFile).lines().findFirst().orElse("").strip());
            ProcessHandle.of(pid).ifPresent(p -> {
                pids.add(pid);
                p.children().forEach(c -> pids.add(c.pid()));
            });
        } catch (IOException | NumberFormatException none) {
            // not running: nothing to count
        }
        return pids;
    }

    /** This JVM's children whose command line names {@code jar}. */
    static List<Long> childrenRunning(String jar) {
        return ProcessHandle.current().children()
                .filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains(jar)).orElse(false))
                .map(ProcessHandle::pid).toList();
    }
}
