package io.vitalwire.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Loopback ports nobody listens on right now, found by binding port 0 and letting go: for a server the test starts
 * next, or for a client that must find the port closed. Never the same port twice in this JVM: a port let go is
 * free again until its server binds it, for a JVM seconds later, and a second probe in that gap may be given it too
 * — then the second server answers the first one's health check (a fault test saw its cloud-ingest's
 * {@code /health} answered by the gateway it started next).
 */
public final class FreePorts {

    private static final Set<String> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private FreePorts() {
    }

    public static int tcp() {
        return unused("tcp", () -> {
            try (ServerSocket socket = new ServerSocket(0)) {
                return socket.getLocalPort();
            }
        });
    }

    public static int udp() {
        return unused("udp", () -> {
            try (DatagramSocket socket = new DatagramSocket(0)) {
                return socket.getLocalPort();
            }
        });
    }

    /** Binds port 0 and lets go, saying which port it was given. */
    private interface Probe {
        int port() throws IOException;
    }

    private static int unused(String protocol, Probe probe) {
        try {
            int port = probe.port();
            while (!HANDED_OUT.add(protocol + "/" + port)) {
                port = probe.port();
            }
            return port;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
