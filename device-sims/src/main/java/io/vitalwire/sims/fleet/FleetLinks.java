package io.vitalwire.sims.fleet;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import javax.net.ssl.SSLException;

/**
 * The fleet's MQTT connections, one per hub, each with the hub's own certificate and key, all on one event loop of
 * two threads. Connecting is paced (a bounded number of TLS handshakes at a time) so that a large fleet's start does
 * not look to the broker like a storm of timeouts.
 */
final class FleetLinks implements AutoCloseable {

    private static final int HANDSHAKES_AT_ONCE = 64;

    private final EventLoopGroup loop = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final Bootstrap template = new Bootstrap().group(loop).channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true).option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000);
    private final URI broker;
    private final FleetCertificates certificates;
    private final Map<String, GatewayLink> links = new ConcurrentHashMap<>();

    FleetLinks(URI broker, FleetCertificates certificates) {
        this.broker = broker;
        this.certificates = certificates;
    }

    /**
     * Connects every hub not connected yet; {@code receipts} gets (gateway id, receipt payload).
     *
     * @return how many were connected by this call
     */
    int connect(List<FleetHub> hubs, BiConsumer<String, byte[]> receipts) throws Exception {
        Semaphore handshakes = new Semaphore(HANDSHAKES_AT_ONCE);
        List<CompletableFuture<GatewayLink>> pending = new ArrayList<>();
        for (FleetHub hub : hubs) {
            if (links.containsKey(hub.gatewayId())) {
                continue;
            }
            handshakes.acquire();
            CompletableFuture<GatewayLink> link = GatewayLink.connect(template, broker, tls(hub.gatewayId()),
                    hub.gatewayId(), FleetTopics.receipts(hub), payload -> receipts.accept(hub.gatewayId(), payload));
            link.whenComplete((l, e) -> handshakes.release());
            pending.add(link);
        }
        for (CompletableFuture<GatewayLink> link : pending) {
            GatewayLink l = link.get(60, TimeUnit.SECONDS);
            links.put(l.gatewayId(), l);
        }
        return pending.size();
    }

    GatewayLink link(String gatewayId) {
        return links.get(gatewayId);
    }

    int size() {
        return links.size();
    }

    private SslContext tls(String gatewayId) throws SSLException {
        Path cert = certificates.certificate(gatewayId);
        Path key = certificates.key(gatewayId);
        return SslContextBuilder.forClient().keyManager(cert.toFile(), key.toFile())
                .trustManager(certificates.ca().toFile()).protocols("TLSv1.3", "TLSv1.2").build();
    }

    @Override
    public void close() {
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        links.values().forEach(l -> closing.add(l.close()));
        try {
            CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // closing anyway: the event loop's shutdown closes what is left
        }
        links.clear();
        loop.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
