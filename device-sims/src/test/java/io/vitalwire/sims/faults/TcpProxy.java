package io.vitalwire.sims.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP relay on loopback in front of one of the stack's services, which a test can {@link #cut} — the service
 * becomes unreachable for whoever dials the relay: new connections are refused, open ones are reset — and
 * {@link #restore} on the same port. The shared service itself keeps running for everyone else.
 */
final class TcpProxy implements AutoCloseable {

    private final InetSocketAddress target;
    private final int port;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket listener;

    private TcpProxy(InetSocketAddress target, ServerSocket listener) {
        this.target = target;
        this.listener = listener;
        this.port = listener.getLocalPort();
    }

    /** A relay to {@code host:port}, up. */
    static TcpProxy to(String host, int port) throws IOException {
        TcpProxy proxy = new TcpProxy(new InetSocketAddress(host, port), bind(0));
        proxy.acceptInBackground();
        return proxy;
    }

    int port() {
        return port;
    }

    /** The relay's address with the scheme and path of {@code url} (e.g. the FHIR base URL through the relay). */
    String relay(String url) {
        URI u = URI.create(url);
        return u.getScheme() + "://127.0.0.1:" + port + (u.getRawPath() == null ? "" : u.getRawPath());
    }

    /** The service becomes unreachable through the relay: connections refused, open ones reset. */
    synchronized void cut() throws IOException {
        listener.close();
        for (Socket s : open) {
            s.close();
        }
        open.clear();
    }

    /** Reachable again, on the same port. */
    synchronized void restore() throws IOException {
        if (!listener.isClosed()) {
            return;
        }
        listener = bind(port);
        acceptInBackground();
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

    private void relay(Socket client) {
        Socket upstream = new Socket();
        try {
            upstream.connect(target, 5_000);
        } catch (IOException e) {
            closeQuietly(client);
            return;
        }
        open.add(client);
        open.add(upstream);
        pump(client, upstream);
        pump(upstream, client);
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
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
