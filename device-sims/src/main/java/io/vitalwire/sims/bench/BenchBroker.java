package io.vitalwire.sims.bench;

import io.vitalwire.sims.process.MosquittoProcess;
import io.vitalwire.testing.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Mosquitto of the benchmark's own, configured as the dev stack's plain listener (persistence, no per-client queue
 * limit, 100 messages in flight, TCP_NODELAY). Not the dev broker: every cloud-ingest subscribed there — a test
 * run's, the demo's — would take its own copy of a benchmark's background load and slow down with it, and its work
 * would compete with what is measured.
 */
final class BenchBroker implements AutoCloseable {

    private final int port;
    private final MosquittoProcess process;

    private BenchBroker(int port, MosquittoProcess process) {
        this.port = port;
        this.process = process;
    }

    static BenchBroker start(Path dir) throws IOException, InterruptedException {
        int port = FreePorts.tcp();
        Path state = Files.createDirectories(dir.resolve("broker"));
        Path log = state.resolve("mosquitto.log");
        // As root, Mosquitto would switch to its own user, who cannot write this run's directory.
        Path config = Files.writeString(state.resolve("mosquitto.conf"), "listener " + port + " 127.0.0.1\n"
                + "allow_anonymous true\npersistence true\npersistence_location " + state + "/\nautosave_interval 60\n"
                + "max_queued_messages 0\nmax_inflight_messages 100\nset_tcp_nodelay true\n"
                + "user " + System.getProperty("user.name") + "\nlog_dest file " + log + "\n");
        MosquittoProcess process = MosquittoProcess.start(config, port, log);
        return new BenchBroker(port, process);
    }

    String url() {
        return "tcp://127.0.0.1:" + port;
    }

    @Override
    public void close() throws InterruptedException {
        process.close();
    }
}
