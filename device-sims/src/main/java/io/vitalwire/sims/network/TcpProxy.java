package io.vitalwire.sims.network;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay on loopback in front of one of the stack's services, which a test can {@link #cut} — the service
 * becomes unreachable for whoever dials the relay: new connections are refused, open ones are reset — or black-hole
 * ({@link #blackHoleWhenClientSends}) — nothing is refused and nothing arrives: open connections stay open with their
 * bytes held, new ones are accepted and never reach the service — and {@link #restore} on the same port. The shared
 * service itself keeps running for everyone else.
 *
 * <p>A black hole here is what a client sees of a path that drops packets: writes go out, no answer comes, connection
 * attempts hang. It differs below the client's API: the relay's kernel still acknowledges the bytes and completes new
 * connections' handshakes (so a client's connect timeout is not what ends its wait, its read or login timeout is), and
 * nothing is lost — on {@link #restore} the held bytes, a client's close included, go on in order, as TCP's
 * retransmissions would after a path comes back. For the real thing at the packet level see {@code NetworkPartition} (the fault tests).
 */
public final class TcpProxy implements AutoCloseable {

    private final InetSocketAddress target;
    private final int port;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connections = new AtomicInteger();
    /** Guards {@link #holding}, {@link #marker} and {@link #blackHoledAt}; waited on while holding. */
    private final Object gate = new Object();
    private boolean holding;
    private byte[] marker;
    private Instant blackHoledAt;
    private volatile ServerSocket listener;

    private TcpProxy(InetSocketAddress target, ServerSocket listener) {
        this.target = target;
        this.listener = listener;
        this.port = listener.getLocalPort();
    }

    /** A relay to {@code host:port}, up. */
    public static TcpProxy to(String host, int port) throws IOException {
        TcpProxy proxy = new TcpProxy(new InetSocketAddress(host, port), bind(0));
        proxy.acceptInBackground();
        return proxy;
    }

    public int port() {
        return port;
    }

    /** The relay's address with the scheme and path of {@code url} (e.g. the FHIR base URL through the relay). */
    public String relay(String url) {
        URI u = URI.create(url);
        return u.getScheme() + "://127.0.0.1:" + port + (u.getRawPath() == null ? "" : u.getRawPath());
    }

    /** Connections clients opened to the relay so far (attempts: held ones count too). */
    public int connections() {
        return connections.get();
    }

    /** The service becomes unreachable through the relay: connections refused, open ones reset. */
    public synchronized void cut() throws IOException {
        listener.close();
        for (Socket s : open) {
            s.close();
        }
        open.clear();
        release();
    }

    /**
     * Black-holes the relay at the first moment a client sends bytes containing {@code text} (e.g. a value only one
     * statement's parameters carry): those bytes still reach the service, nothing after them does, nor its answer;
     * every connection is held from then on, both ways, and new ones are accepted and held too, until
     * {@link #restore}. So a test can cut a link in the middle of one exchange of its choosing.
     */
    public void blackHoleWhenClientSends(String text) {
        synchronized (gate) {
            marker = text.getBytes(StandardCharsets.UTF_8);
        }
    }

    /** When the black hole began; null while there is none. */
    public Instant blackHoledAt() {
        synchronized (gate) {
            return holding ? blackHoledAt : null;
        }
    }

    /** Reachable again, on the same port; what a black hole held goes on. */
    public synchronized void restore() throws IOException {
        release();
        if (!listener.isClosed()) {
            return;
        }
        listener = bind(port);
        acceptInBackground();
    }

    private void release() {
        synchronized (gate) {
            holding = false;
            marker = null;
            gate.notifyAll();
        }
    }

    /** Waits while the relay black-holes. */
    private void awaitPassage() {
        synchronized (gate) {
            while (holding) {
                try {
                    gate.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * Whether the client's bytes, {@code tail} (what it sent just before) followed by {@code chunk}, hold the armed
     * marker; if so the black hole begins now, before they are passed on.
     */
    private boolean triggers(byte[] tail, byte[] chunk, int length) {
        synchronized (gate) {
            if (marker == null) {
                return false;
            }
            byte[] seen = Arrays.copyOf(tail, tail.length + length);
            System.arraycopy(chunk, 0, seen, tail.length, length);
            if (!contains(seen, marker)) {
                return false;
            }
            marker = null;
            holding = true;
            blackHoledAt = Instant.now();
            return true;
        }
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static ServerSocket bind(int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return socket;
    }

    private void acceptInBackground() {
        ServerSocket current = listener;
        Thread acceptor = new Thread(() -> {
            while (!current.isClosed()) {
                try {
                    relay(current.accept());
                } catch (IOException closed) {
                    return;
                }
            }
        }, "proxy-accept-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** On a thread of its own: a connection accepted in a black hole waits there to reach the service. */
    private void relay(Socket client) {
        connections.incrementAndGet();
        open.add(client);
        Thread connect = new Thread(() -> {
            awaitPassage();
            Socket upstream = new Socket();
            try {
                upstream.connect(target, 5_000);
            } catch (IOException e) {
                closeQuietly(client);
                open.remove(client);
                return;
            }
            open.add(upstream);
            pump(client, upstream, true);
            pump(upstream, client, false);
        }, "proxy-connect-" + port);
        connect.setDaemon(true);
        connect.start();
    }

    private void pump(Socket from, Socket to, boolean fromClient) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            byte[] tail = new byte[0];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (!(fromClient && triggers(tail, buffer, n))) {
                        awaitPassage();
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                    if (fromClient) {
                        tail = lastBytes(tail, buffer, n);
                    }
                }
                // A close, too, waits out a black hole: the other side must not learn of it before.
                awaitPassage();
            } catch (IOException ended) {
                // either side closed, or the relay was cut
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        }, "proxy-pump-" + port);
        t.setDaemon(true);
        t.start();
    }

    /** The last bytes the client sent, as many as a marker across two reads needs (at most 255). */
    private static byte[] lastBytes(byte[] tail, byte[] chunk, int length) {
        int keep = 255;
        byte[] all = Arrays.copyOf(tail, tail.length + length);
        System.arraycopy(chunk, 0, all, tail.length, length);
        return Arrays.copyOfRange(all, Math.max(0, all.length - keep), all.length);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        cut();
    }
}
