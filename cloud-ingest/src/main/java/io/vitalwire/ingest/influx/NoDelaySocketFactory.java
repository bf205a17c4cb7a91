package io.vitalwire.ingest.influx;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.SocketFactory;

/**
 * The platform's sockets with Nagle's algorithm off ({@code TCP_NODELAY}), for the InfluxDB client's OkHttp, which
 * leaves it on and has no setting for it. Why it matters: OkHttp writes a request in several segments, and with
 * Nagle's algorithm on, the last small one waits for the server to acknowledge the ones before — which InfluxDB's
 * TCP stack delays by up to 40 ms. Every write waited for that: the sink wrote 0.24× what a client with Nagle off
 * posts of the same points, 0.65–1.06× (three runs) with it off too (BENCHMARKS.md, {@code bench.sh ingest-influx}).
 */
final class NoDelaySocketFactory extends SocketFactory {

    private final SocketFactory sockets = SocketFactory.getDefault();

    @Override
    public Socket createSocket() throws IOException {
        return noDelay(sockets.createSocket());
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return noDelay(sockets.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return noDelay(sockets.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return noDelay(sockets.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return noDelay(sockets.createSocket(address, port, localAddress, localPort));
    }

    private static Socket noDelay(Socket socket) throws IOException {
        socket.setTcpNoDelay(true);
        return socket;
    }
}
