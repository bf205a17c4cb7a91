package io.vitalwire.sims.coap;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A UDP relay between one simulated device and the gateway that loses the gateway's first answers, as a home's
 * Wi-Fi does: it drops the first {@code dropAnswers} datagrams from the gateway that carry DTLS application data
 * (record content type 23), never the handshake. The device's CoAP layer then retransmits its confirmable request
 * with the same message id — the "lost ACK" the gateway must not turn into a duplicate reading.
 */
public final class LossyUdpRelay implements AutoCloseable {

    private static final int DTLS_APPLICATION_DATA = 23;

    private final DatagramSocket deviceSide;
    private final DatagramSocket gatewaySide;
    private final InetSocketAddress gateway;
    private final AtomicInteger toDrop;
    private final AtomicInteger dropped = new AtomicInteger();
    private volatile SocketAddress device;

    public LossyUdpRelay(InetSocketAddress gateway, int dropAnswers) throws SocketException {
        this.gateway = gateway;
        this.toDrop = new AtomicInteger(dropAnswers);
        this.deviceSide = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        this.gatewaySide = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        start("relay-up", this::forwardUp);
        start("relay-down", this::forwardDown);
    }

    /** Where the device should send: the relay's own port on loopback. */
    public int port() {
        return deviceSide.getLocalPort();
    }

    /** How many of the gateway's datagrams were dropped so far. */
    public int dropped() {
        return dropped.get();
    }

    private void forwardUp() throws IOException {
        byte[] buffer = new byte[65_535];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        deviceSide.receive(packet);
        device = packet.getSocketAddress();
        gatewaySide.send(new DatagramPacket(packet.getData(), packet.getLength(), gateway));
    }

    private void forwardDown() throws IOException {
        byte[] buffer = new byte[65_535];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        gatewaySide.receive(packet);
        boolean applicationData = packet.getLength() > 0 && (packet.getData()[0] & 0xFF) == DTLS_APPLICATION_DATA;
        if (applicationData && toDrop.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            dropped.incrementAndGet();
            return;
        }
        if (device != null) {
            deviceSide.send(new DatagramPacket(packet.getData(), packet.getLength(), device));
        }
    }

    private interface Step {
        void run() throws IOException;
    }

    private void start(String name, Step step) {
        Thread t = new Thread(() -> {
            while (!deviceSide.isClosed() && !gatewaySide.isClosed()) {
                try {
                    step.run();
                } catch (IOException closedOrBroken) {
                    return;
                }
            }
        }, name);
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() {
        deviceSide.close();
        gatewaySide.close();
    }
}
