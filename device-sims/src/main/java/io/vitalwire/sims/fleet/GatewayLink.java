package io.vitalwire.sims.fleet;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One simulated hub's MQTT 5 connection to the broker, over mutual TLS with the hub's own certificate: QoS 1 publishes
 * completed by their PUBACK, and the hub's receipts topic subscribed at QoS 1 (the broker's ACL lets a gateway read
 * nothing else), each receipt handed on. Built on Netty's MQTT codec so that thousands of links share the event
 * loop's two threads (see device-sims/pom.xml for why not Paho).
 */
final class GatewayLink {

    /** PUBACK reason 0x10: the broker took the message but nobody subscribes (cloud-ingest is not there yet). */
    static final int NO_MATCHING_SUBSCRIBERS = 0x10;
    private static final int KEEP_ALIVE_SECONDS = 60;
    private static final int MAX_PACKET = 1 << 20;

    private final String gatewayId;
    private final Channel channel;
    private final Map<Integer, CompletableFuture<Integer>> inFlight = new ConcurrentHashMap<>();
    private int nextId;

    private GatewayLink(String gatewayId, Channel channel) {
        this.gatewayId = gatewayId;
        this.channel = channel;
    }

    /**
     * Connects, subscribes to {@code receiptsTopic} and completes once the broker granted it.
     *
     * @param receipts called on the event loop with each receipt message's payload
     */
    static CompletableFuture<GatewayLink> connect(Bootstrap template, URI broker, SslContext tls, String gatewayId,
                                                  String receiptsTopic, Consumer<byte[]> receipts) {
        CompletableFuture<GatewayLink> ready = new CompletableFuture<>();
        Handler handler = new Handler(gatewayId, receiptsTopic, receipts, ready);
        Bootstrap bootstrap = template.clone().handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(tls.newHandler(ch.alloc(), broker.getHost(), broker.getPort()),
                        new IdleStateHandler(0, KEEP_ALIVE_SECONDS / 2, 0, TimeUnit.SECONDS),
                        new MqttDecoder(MAX_PACKET), MqttEncoder.INSTANCE, handler);
            }
        });
        bootstrap.connect(broker.getHost(), broker.getPort()).addListener(f -> {
            if (!f.isSuccess()) {
                ready.completeExceptionally(f.cause());
            }
        });
        return ready;
    }

    String gatewayId() {
        return gatewayId;
    }

    boolean connected() {
        return channel.isActive();
    }

    /** Publishes at QoS 1; completes with the PUBACK's reason code, exceptionally if the connection is lost. */
    CompletableFuture<Integer> publish(String topic, byte[] payload) {
        CompletableFuture<Integer> acked = new CompletableFuture<>();
        channel.eventLoop().execute(() -> {
            if (!channel.isActive()) {
                acked.completeExceptionally(new IllegalStateException("the connection is closed"));
                return;
            }
            int id = nextPacketId();
            inFlight.put(id, acked);
            channel.writeAndFlush(MqttMessageBuilders.publish().topicName(topic).qos(MqttQoS.AT_LEAST_ONCE)
                    .retained(false).messageId(id).payload(Unpooled.wrappedBuffer(payload)).build());
        });
        return acked;
    }

    /** Packet ids 1 … 65535, skipping those still in flight; called on the event loop only. */
    private int nextPacketId() {
        do {
            nextId = nextId % 65_535 + 1;
        } while (inFlight.containsKey(nextId));
        return nextId;
    }

    /** A clean DISCONNECT, then the socket closed. */
    CompletableFuture<Void> close() {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        if (!channel.isActive()) {
            closed.complete(null);
            return closed;
        }
        channel.writeAndFlush(new MqttMessage(new MqttFixedHeader(MqttMessageType.DISCONNECT, false,
                MqttQoS.AT_MOST_ONCE, false, 0))).addListener(f -> channel.close());
        channel.closeFuture().addListener(f -> closed.complete(null));
        return closed;
    }

    private static final class Handler extends SimpleChannelInboundHandler<MqttMessage> {

        private final String gatewayId;
        private final String receiptsTopic;
        private final Consumer<byte[]> receipts;
        private final CompletableFuture<GatewayLink> ready;
        private GatewayLink link;

        Handler(String gatewayId, String receiptsTopic, Consumer<byte[]> receipts,
                CompletableFuture<GatewayLink> ready) {
            this.gatewayId = gatewayId;
            this.receiptsTopic = receiptsTopic;
            this.receipts = receipts;
            this.ready = ready;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            link = new GatewayLink(gatewayId, ctx.channel());
            // Written now, sent once the TLS handshake is done (the SslHandler holds it until then).
            ctx.writeAndFlush(MqttMessageBuilders.connect().clientId(gatewayId).protocolVersion(MqttVersion.MQTT_5)
                    .cleanSession(true).keepAlive(KEEP_ALIVE_SECONDS).build());
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, MqttMessage message) {
            if (message.decoderResult().isFailure()) {
                fail(ctx, new IllegalStateException("undecodable MQTT packet", message.decoderResult().cause()));
                return;
            }
            switch (message.fixedHeader().messageType()) {
                case CONNACK -> {
                    byte code = ((MqttConnAckMessage) message).variableHeader().connectReturnCode().byteValue();
                    if (code != 0) {
                        fail(ctx, new IllegalStateException("CONNACK reason " + (code & 0xff)));
                        return;
                    }
                    ctx.writeAndFlush(MqttMessageBuilders.subscribe().messageId(1)
                            .addSubscription(MqttQoS.AT_LEAST_ONCE, receiptsTopic).build());
                }
                case SUBACK -> {
                    int granted = ((MqttSubAckMessage) message).payload().reasonCodes().get(0);
                    if (granted >= 0x80) {
                        // The ACL does not let this CN read its receipts: not in the rendered ACL (stack.sh acl).
                        fail(ctx, new IllegalStateException("receipts subscription refused, reason " + granted));
                        return;
                    }
                    ready.complete(link);
                }
                case PUBACK -> {
                    Object header = message.variableHeader();
                    int id = ((MqttMessageIdVariableHeader) header).messageId();
                    int reason = header instanceof MqttPubReplyMessageVariableHeader reply ? reply.reasonCode() : 0;
                    CompletableFuture<Integer> acked = link.inFlight.remove(id);
                    if (acked != null) {
                        acked.complete(reason);
                    }
                }
                case PUBLISH -> {
                    MqttPublishMessage publish = (MqttPublishMessage) message;
                    byte[] payload = ByteBufUtil.getBytes(publish.content());
                    if (publish.fixedHeader().qosLevel() == MqttQoS.AT_LEAST_ONCE) {
                        ctx.writeAndFlush(MqttMessageBuilders.pubAck().packetId(publish.variableHeader().packetId())
                                .build());
                    }
                    receipts.accept(payload);
                }
                default -> {
                    // PINGRESP and anything else: nothing to do
                }
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof IdleStateEvent) {
                ctx.writeAndFlush(new MqttMessage(new MqttFixedHeader(MqttMessageType.PINGREQ, false,
                        MqttQoS.AT_MOST_ONCE, false, 0)));
            } else {
                super.userEventTriggered(ctx, event);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            IllegalStateException lost = new IllegalStateException("connection lost");
            ready.completeExceptionally(lost);
            if (link != null) {
                link.inFlight.values().forEach(f -> f.completeExceptionally(lost));
                link.inFlight.clear();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(ctx, cause);
        }

        private void fail(ChannelHandlerContext ctx, Throwable cause) {
            ready.completeExceptionally(cause);
            ctx.close();
        }
    }
}
