package io.vitalwire.sims.bench;

import java.io.IOException;
import java.net.ServerSocket;

/** A loopback TCP port nobody listens on, for the servers a benchmark starts as processes. */
final class BenchPorts {

    private BenchPorts() {
    }

    static int tcp() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
