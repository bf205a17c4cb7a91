package io.vitalwire.sims.process;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A Mosquitto of a benchmark's own (/usr/sbin/mosquitto with a configuration the caller writes), started and waited
 * for until its listener accepts, ended with the JVM if the benchmark is stopped from outside (Ctrl-C, kill).
 */
public final class MosquittoProcess implements AutoCloseable {

    private static final Path MOSQUITTO = Path.of("/usr/sbin/mosquitto");

    private final Process process;

    private MosquittoProcess(Process process) {
        this.process = process;
    }

    /** Starts Mosquitto with {@code config} (whose listener is on {@code port}), its output appended to {@code log}. */
    public static MosquittoProcess start(Path config, int port, Path log) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(MOSQUITTO.toString(), "-c", config.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!accepts(port)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException("mosquitto did not start: " + Files.readString(log));
            }
            Thread.sleep(50);
        }
        return new MosquittoProcess(process);
    }

    public long pid() {
        return process.pid();
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
