package io.vitalwire.sims.faults;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A small filesystem of the test's own (tmpfs with a size limit, mounted over a directory of the test), so that a
 * gateway whose data directory lives on it can run out of disk space as an SD card does — without filling the
 * machine's disk under everyone else. A {@link #fill filler file} takes every free byte; {@link #free removing it}
 * gives the space back. Needs root (CI and the dev machines run as root).
 *
 * <p>tmpfs rather than a loop-mounted ext4 image: both answer a write with ENOSPC when full, which is all SQLite
 * sees; tmpfs needs no image file, no mkfs and no loop device (which a container may not offer).
 */
final class SmallFilesystem implements AutoCloseable {

    private static final int CHUNK = 64 * 1024;

    private final Path mountPoint;
    private final Path filler;

    private SmallFilesystem(Path mountPoint) {
        this.mountPoint = mountPoint;
        this.filler = mountPoint.resolve("filler");
    }

    /** Whether this process may mount filesystems: the test is skipped, not failed, where it may not. */
    static boolean mountable() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Mounts a tmpfs of {@code size} (e.g. {@code 24m}) over {@code dir}, created if missing. */
    static SmallFilesystem mount(Path dir, String size) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        run("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0700", "tmpfs", dir.toString());
        return new SmallFilesystem(dir);
    }

    Path root() {
        return mountPoint;
    }

    /** Writes the filler until the filesystem refuses a byte more (ENOSPC); returns its size. */
    long fill() throws IOException {
        long written = 0;
        byte[] chunk = new byte[CHUNK];
        int size = CHUNK;
        try (OutputStream out = Files.newOutputStream(filler)) {
            // Halving the chunk on each refusal takes the last few kilobytes too: nothing is left for SQLite.
            while (size > 0) {
                try {
                    out.write(chunk, 0, size);
                    out.flush();
                    written += size;
                } catch (IOException full) {
                    size /= 2;
                }
            }
        } catch (IOException closingFull) {
            // close() may fail on a full filesystem; what was written stays
        }
        return written;
    }

    /** Deletes the filler: the space is back. */
    void free() throws IOException {
        Files.deleteIfExists(filler);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        // Lazy: a process still holding a file there (a gateway being stopped) must not keep the mount forever.
        run("umount", "-l", mountPoint.toString());
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(List.of(command))).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
    }
}
