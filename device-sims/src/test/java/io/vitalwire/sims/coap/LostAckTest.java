package io.vitalwire.sims.coap;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.ApplicationContext;
import io.vitalwire.gateway.buffer.ReadingBuffer;
import io.vitalwire.gateway.coap.CoapIntake;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.californium.core.coap.CoAP;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A device whose first answer is lost retransmits its confirmable POST; the gateway (its real Micronaut context and
 * DTLS endpoint, in-process) must answer again without handling — or buffering — the readings twice.
 */
class LostAckTest {

    @TempDir
    Path dir;

    @Test
    void aRetransmittedPost_afterALostAnswer_isHandledOnce() throws Exception {
        HomeDeviceCredential thermometer = HomeDeviceCredential.generate(HomeDeviceKind.THERMOMETER, "LOSSY-1");
        HomeDeviceCredential.writeGatewayFile(dir.resolve("coap-devices.psk"), List.of(thermometer));
        try (ApplicationContext gateway = ApplicationContext.run(Map.of(
                "vitalwire.gateway.id", "gw-lossy",
                "vitalwire.gateway.data-dir", dir.toString(),
                "vitalwire.gateway.coap.port", 0,
                "vitalwire.gateway.uplink.broker-url", "tcp://127.0.0.1:1",
                "micronaut.server.port", -1));
             LossyUdpRelay relay = new LossyUdpRelay(
                     new InetSocketAddress("127.0.0.1", gateway.getBean(CoapIntake.class).port()), 1);
             CoapHomeDevice device = new CoapHomeDevice(thermometer, URI.create("coaps://127.0.0.1:" + relay.port()))) {

            CoAP.ResponseCode answer = device.measure(Instant.parse("2026-11-23T10:00:00Z"), 4);

            assertThat(answer).isEqualTo(CoAP.ResponseCode.CHANGED);
            assertThat(relay.dropped()).isEqualTo(1);
            assertThat(gateway.getBean(ReadingBuffer.class).stats().unsent()).isEqualTo(1);
            MeterRegistry metrics = gateway.getBean(MeterRegistry.class);
            // Handled once: Californium answered the retransmission from its deduplication store, so the intake
            // neither appended the reading again nor even saw it as "already known".
            assertThat(metrics.counter("vitalwire.intake.readings", "source", "coap", "outcome", "added").count())
                    .isEqualTo(1.0);
            assertThat(metrics.counter("vitalwire.intake.readings", "source", "coap", "outcome", "already-known")
                    .count()).isZero();
        }
    }
}
