package io.vitalwire.gateway.coap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.gateway.buffer.BufferSettings;
import io.vitalwire.gateway.buffer.BufferedReading;
import io.vitalwire.gateway.buffer.Lane;
import io.vitalwire.gateway.buffer.ReadingBuffer;
import io.vitalwire.gateway.events.DeviceEvent;
import io.vitalwire.gateway.identity.GatewayAliases;
import io.vitalwire.gateway.intake.ReadingIntake;
import io.vitalwire.gateway.normalize.Normalizer;
import io.vitalwire.privacy.DeviceAliases;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.exception.ConnectorException;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedSinglePskStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CoAP intake over real DTLS on loopback, with a real SQLite buffer behind it. */
class CoapIntakeTest {

    private static final byte[] THERMOMETER_KEY = randomKey();
    private static final int MAX_PAYLOAD = 4096;
    private static final int DEDUP_WINDOW = 4;

    @TempDir
    Path dir;

    private ReadingBuffer buffer;
    private SimpleMeterRegistry metrics;
    private CoapIntake intake;
    private CoapPolicy policy;
    private final List<DeviceEvent> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        startWith(new ReadingBuffer(dir.resolve("buffer.db"), "FULL", Clock.systemUTC()));
    }

    private void startWith(ReadingBuffer behind) {
        buffer = behind;
        metrics = new SimpleMeterRegistry();
        DeviceCredentials credentials = DeviceCredentials.of(List.of(new DeviceCredentials.Device("thermo-7",
                new DeviceIdentity(null, null, "TH-7", null, null), THERMOMETER_KEY)));
        DeviceAliases aliases = GatewayAliases.load(dir);
        intake = new CoapIntake(config(), credentials,
                new ReadingIntake(new Normalizer("gw-1", ZoneOffset.UTC), buffer, metrics, aliases, events::add,
                        Duration.ZERO),
                new IntakeCounters(metrics), Clock.systemUTC(), aliases, policy = new CoapPolicy(MAX_PAYLOAD));
    }

    @AfterEach
    void stop() {
        intake.close();
        buffer.close();
    }

    @Test
    void aRegisteredDevice_getsChanged_andItsReadingIsInTheBuffer() throws Exception {
        CoapResponse response = post("thermo-7", THERMOMETER_KEY, json(36.8), MediaTypeRegistry.APPLICATION_SENML_JSON);

        assertThat(response.getCode()).isEqualTo(ResponseCode.CHANGED);
        List<BufferedReading> stored = buffer.claimNext(10);
        assertThat(stored).hasSize(1);
        assertThat(stored.get(0).reading().device().serial()).isEqualTo("TH-7");
        assertThat(stored.get(0).reading().values().get(0).value()).isEqualByComparingTo("36.8");
        assertThat(stored.get(0).reading().source().ref()).isEqualTo("/readings");
    }

    @Test
    void aFullBuffer_answersServiceUnavailableWithMaxAge_countsIt_andRecordsAGap() throws Exception {
        stop();
        // Smaller than an empty buffer file: every live reading is refused.
        startWith(new ReadingBuffer(BufferSettings.defaults(dir.resolve("full.db")).withMaxSizeBytes(16 * 1024),
                Clock.systemUTC(), new SimpleMeterRegistry()));

        CoapResponse response = post("thermo-7", THERMOMETER_KEY, json(36.8), MediaTypeRegistry.APPLICATION_SENML_JSON);

        assertThat(response.getCode()).isEqualTo(ResponseCode.SERVICE_UNAVAILABLE);
        assertThat(response.getOptions().getMaxAge()).isEqualTo(SenmlReadingsResource.FULL_RETRY_SECONDS);
        assertThat(response.getResponseText()).contains("full");
        assertThat(rejected("buffer-full")).isEqualTo(1.0);
        assertThat(buffer.stats().unsent()).isZero();
        assertThat(buffer.unreportedGaps()).singleElement().satisfies(gap -> {
            assertThat(gap.lane()).isEqualTo(Lane.CRITICAL);
            assertThat(gap.devices()).containsExactly("sn.TH-7");
        });
    }

    /** The cloud's configuration (contract 1.2) decides which devices of the PSK file may send, while it runs. */
    @Test
    void aDeviceTheCloudsAllowListLeavesOut_isForbidden_untilAConfigurationListsIt() throws Exception {
        policy.apply(io.vitalwire.contract.GatewayConfig.of("gw-1", 1, java.time.Instant.now(),
                new io.vitalwire.contract.GatewayConfig.Devices(List.of(), List.of("sn.SCALE-1")), null, null, null));

        CoapResponse refused = post("thermo-7", THERMOMETER_KEY, json(36.8), MediaTypeRegistry.APPLICATION_SENML_JSON);
        policy.apply(io.vitalwire.contract.GatewayConfig.of("gw-1", 2, java.time.Instant.now(),
                new io.vitalwire.contract.GatewayConfig.Devices(List.of(), List.of("sn.TH-7")), null, null, null));
        CoapResponse taken = post("thermo-7", THERMOMETER_KEY, json(36.9), MediaTypeRegistry.APPLICATION_SENML_JSON);

        assertThat(refused.getCode()).isEqualTo(ResponseCode.FORBIDDEN);
        assertThat(rejected("not-allowed")).isEqualTo(1.0);
        assertThat(taken.getCode()).isEqualTo(ResponseCode.CHANGED);
        assertThat(buffer.claimNext(10)).singleElement().satisfies(r ->
                assertThat(r.reading().values().get(0).value()).isEqualByComparingTo("36.9"));
    }

    @Test
    void aPackThatNamesAnotherDevice_isForbidden_andCounted() throws Exception {
        String spoof = "[{\"bn\":\"urn:dev:sn:SOMEONE-ELSE:\",\"n\":\"body-temperature\",\"u\":\"Cel\",\"v\":39.9}]";

        CoapResponse response = post("thermo-7", THERMOMETER_KEY, spoof, MediaTypeRegistry.APPLICATION_SENML_JSON);

        assertThat(response.getCode()).isEqualTo(ResponseCode.FORBIDDEN);
        assertThat(buffer.stats().unsent()).isZero();
        assertThat(rejected("spoofed-device")).isEqualTo(1.0);
    }

    @Test
    void aWrongKey_orAnUnknownIdentity_neverGetsIn() {
        assertThatThrownBy(() -> post("thermo-7", randomKey(), json(36.8), MediaTypeRegistry.APPLICATION_SENML_JSON))
                .isInstanceOf(IOException.class);
        // A wrong key for a known identity shows only as a handshake that runs out of retransmissions.
        await().atMost(Duration.ofSeconds(20)).until(() -> rejected("handshake-failed") == 1.0);
        assertThat(rejected("unknown-device")).isZero();
        assertThatThrownBy(() -> post("stranger", randomKey(), json(36.8), MediaTypeRegistry.APPLICATION_SENML_JSON))
                .isInstanceOf(IOException.class);
        // Counted per handshake attempt: the client may retransmit its hello before giving up.
        assertThat(rejected("unknown-device")).isGreaterThanOrEqualTo(1.0);
        assertThat(buffer.stats().unsent()).isZero();
    }

    @Test
    void malformedPacks_getBadRequestWithADiagnostic() throws Exception {
        CoapResponse response = post("thermo-7", THERMOMETER_KEY, "[{\"n\":\"body-temperature\",\"v\":36.8}]",
                MediaTypeRegistry.APPLICATION_SENML_JSON);

        assertThat(response.getCode()).isEqualTo(ResponseCode.BAD_REQUEST);
        assertThat(response.getResponseText()).contains("missing unit");
        assertThat(rejected("malformed")).isEqualTo(1.0);
    }

    @Test
    void aGlitchingThermometersMinusFive_isUnprocessable_namingTheField_neverBuffered_andReported() throws Exception {
        CoapResponse response = post("thermo-7", THERMOMETER_KEY, json(-5), MediaTypeRegistry.APPLICATION_SENML_JSON);

        assertThat(response.getCode()).isEqualTo(ResponseCode.UNPROCESSABLE_ENTITY);
        assertThat(response.getResponseText()).contains("'values[0].value'", "body-temperature", "Cel",
                "plausible range");
        assertThat(buffer.stats().unsent()).isZero();
        assertThat(rejected("implausible")).isEqualTo(1.0);
        assertThat(events).singleElement().satisfies(e -> assertThat(e.attributes())
                .containsEntry("device", "sn.TH-7").containsEntry("reason", "implausible-value"));
    }

    @Test
    void aTemperatureOf1e20_isUnprocessable_byThePlausibilityBounds() throws Exception {
        String pack = "[{\"bn\":\"urn:dev:sn:TH-7:\",\"n\":\"body-temperature\",\"u\":\"Cel\",\"v\":1e20}]";

        CoapResponse response = post("thermo-7", THERMOMETER_KEY, pack, MediaTypeRegistry.APPLICATION_SENML_JSON);

        assertThat(response.getCode()).isEqualTo(ResponseCode.UNPROCESSABLE_ENTITY);
        assertThat(response.getResponseText()).contains("'values[0].value'", "plausible range");
        assertThat(buffer.stats().unsent()).isZero();
    }

    /**
     * 1e3000000 once took seconds to add to its base value and left as a 3 MB message; it must be refused by the
     * number bound, before any arithmetic, in JSON and in CBOR (a decimal fraction, tag 4, or a double).
     */
    @Test
    void aTemperatureOf1e3000000_isRefusedByTheNumberBound_inJsonAndCbor() throws Exception {
        String pack = "[{\"bn\":\"urn:dev:sn:TH-7:\",\"bv\":0,\"n\":\"body-temperature\",\"u\":\"Cel\","
                + "\"v\":1e3000000}]";

        CoapResponse json = post("thermo-7", THERMOMETER_KEY, pack, MediaTypeRegistry.APPLICATION_SENML_JSON);
        CoapResponse decimalFraction = post("thermo-7", THERMOMETER_KEY, cbor(new BigDecimal("1E+3000000")),
                MediaTypeRegistry.APPLICATION_SENML_CBOR);
        CoapResponse hugeDouble = post("thermo-7", THERMOMETER_KEY, cbor(1e300),
                MediaTypeRegistry.APPLICATION_SENML_CBOR);

        for (CoapResponse response : List.of(json, decimalFraction, hugeDouble)) {
            assertThat(response.getCode()).isEqualTo(ResponseCode.BAD_REQUEST);
            assertThat(response.getResponseText()).contains("'v'", "bounds of a SenML number",
                    "decimal exponent within +-20");
        }
        assertThat(buffer.stats().unsent()).isZero();
    }

    @Test
    void aNumberWithMoreCharactersThanTheBound_isRefusedBeforeItIsParsed() throws Exception {
        String pack = "[{\"bn\":\"urn:dev:sn:TH-7:\",\"n\":\"body-temperature\",\"u\":\"Cel\",\"v\":36."
                + "0".repeat(SenmlPackReader.MAX_NUMBER_CHARS) + "}]";

        CoapResponse response = post("thermo-7", THERMOMETER_KEY, pack, MediaTypeRegistry.APPLICATION_SENML_JSON);

        assertThat(response.getCode()).isEqualTo(ResponseCode.BAD_REQUEST);
        assertThat(response.getResponseText()).contains("Number value length");
        assertThat(buffer.stats().unsent()).isZero();
    }

    /** A device clock wildly wrong: the reading is kept on its receive time, with the device's raw time in it. */
    @Test
    void deviceTimesOutsideTheWindow_areKeptOnReceiveTime_withTheRawDeviceTime() throws Exception {
        Instant now = Instant.now();
        long reset = Instant.parse("2000-01-01T00:00:00Z").getEpochSecond();
        long ahead = now.plus(Duration.ofDays(2)).getEpochSecond();
        long recent = now.minus(Duration.ofDays(30)).getEpochSecond();

        for (long bt : new long[] {reset, ahead, recent}) {
            String pack = "[{\"bn\":\"urn:dev:sn:TH-7:\",\"bt\":" + bt
                    + ",\"n\":\"body-temperature\",\"u\":\"Cel\",\"v\":36.6}]";
            assertThat(post("thermo-7", THERMOMETER_KEY, pack, MediaTypeRegistry.APPLICATION_SENML_JSON).getCode())
                    .isEqualTo(ResponseCode.CHANGED);
        }

        List<BufferedReading> stored = buffer.claimNext(10);
        assertThat(stored).hasSize(3);
        for (int i = 0; i < 2; i++) {
            io.vitalwire.contract.Reading r = stored.get(i).reading();
            assertThat(r.clockQuality()).isEqualTo(io.vitalwire.contract.ClockQuality.RECEIVE_TIME);
            assertThat(r.measuredAt()).isEqualTo(r.receivedAt());
            assertThat(r.key()).contains("/t");
        }
        assertThat(stored.get(0).reading().deviceTime()).isEqualTo("2000-01-01T00:00:00Z");
        assertThat(stored.get(1).reading().deviceTime()).isEqualTo(Instant.ofEpochSecond(ahead).toString());
        io.vitalwire.contract.Reading inWindow = stored.get(2).reading();
        assertThat(inWindow.clockQuality()).isEqualTo(io.vitalwire.contract.ClockQuality.UNCORRECTED);
        assertThat(inWindow.measuredAt()).isEqualTo(Instant.ofEpochSecond(recent));
    }

    @Test
    void aTimeBeyondYear9999_isRefusedNamingTheField() throws Exception {
        String pack = "[{\"bn\":\"urn:dev:sn:TH-7:\",\"bt\":1e13,\"n\":\"body-temperature\",\"u\":\"Cel\","
                + "\"v\":36.6}]";

        CoapResponse response = post("thermo-7", THERMOMETER_KEY, pack, MediaTypeRegistry.APPLICATION_SENML_JSON);

        assertThat(response.getCode()).isEqualTo(ResponseCode.BAD_REQUEST);
        assertThat(response.getResponseText()).contains("time 't'", "years 1 to 9999");
        assertThat(buffer.stats().unsent()).isZero();
    }

    private static byte[] cbor(Object celsius) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CBORGenerator g = new CBORFactory().createGenerator(out)) {
            g.writeStartArray();
            g.writeStartObject();
            g.writeFieldId(0);
            g.writeString("body-temperature");
            g.writeFieldId(1);
            g.writeString("Cel");
            g.writeFieldId(2);
            if (celsius instanceof BigDecimal decimal) {
                g.writeNumber(decimal);
            } else {
                g.writeNumber((Double) celsius);
            }
            g.writeEndObject();
            g.writeEndArray();
        }
        return out.toByteArray();
    }

    @Test
    void otherContentFormats_getUnsupportedContentFormat() throws Exception {
        assertThat(post("thermo-7", THERMOMETER_KEY, "36.8", MediaTypeRegistry.TEXT_PLAIN).getCode())
                .isEqualTo(ResponseCode.UNSUPPORTED_CONTENT_FORMAT);
    }

    @Test
    void cborPacks_areAccepted() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CBORGenerator g = new CBORFactory().createGenerator(out)) {
            g.writeStartArray();
            g.writeStartObject();
            g.writeFieldId(0);
            g.writeString("body-temperature");
            g.writeFieldId(1);
            g.writeString("Cel");
            g.writeFieldId(2);
            g.writeNumber(37.5f);
            g.writeEndObject();
            g.writeEndArray();
        }

        CoapResponse response = post("thermo-7", THERMOMETER_KEY, out.toByteArray(),
                MediaTypeRegistry.APPLICATION_SENML_CBOR);

        assertThat(response.getCode()).isEqualTo(ResponseCode.CHANGED);
        assertThat(buffer.claimNext(1).get(0).reading().values().get(0).value()).isEqualByComparingTo("37.5");
    }

    @Test
    void aRetriedPost_doesNotDuplicateReadings() throws Exception {
        String pack = json(36.9);

        assertThat(post("thermo-7", THERMOMETER_KEY, pack, MediaTypeRegistry.APPLICATION_SENML_JSON).getCode())
                .isEqualTo(ResponseCode.CHANGED);
        assertThat(post("thermo-7", THERMOMETER_KEY, pack, MediaTypeRegistry.APPLICATION_SENML_JSON).getCode())
                .isEqualTo(ResponseCode.CHANGED);

        assertThat(buffer.stats().unsent()).isEqualTo(1);
        assertThat(metrics.counter("vitalwire.intake.readings", "source", "coap", "outcome", "already-known").count())
                .isEqualTo(1.0);
    }

    @Test
    void aLargePack_travelsBlockwise_andAnOversizedOneIsRefused() throws Exception {
        StringBuilder pack = new StringBuilder("[{\"bn\":\"urn:dev:sn:TH-7:\",\"bt\":1795428000,\"bu\":\"Cel\"}");
        for (int i = 0; i < 60; i++) {
            pack.append(",{\"n\":\"body-temperature\",\"t\":").append(i).append(",\"v\":36.").append(i % 10).append('}');
        }
        String large = pack.append(']').toString();
        assertThat(large.length()).isBetween(1100, MAX_PAYLOAD);

        assertThat(post("thermo-7", THERMOMETER_KEY, large, MediaTypeRegistry.APPLICATION_SENML_JSON).getCode())
                .isEqualTo(ResponseCode.CHANGED);
        assertThat(buffer.stats().unsent()).isEqualTo(60);

        String oversized = large + " ".repeat(MAX_PAYLOAD);
        assertThat(post("thermo-7", THERMOMETER_KEY, oversized, MediaTypeRegistry.APPLICATION_SENML_JSON).getCode())
                .isEqualTo(ResponseCode.REQUEST_ENTITY_TOO_LARGE);
        assertThat(buffer.stats().unsent()).isEqualTo(60);
        assertThat(rejected("too-large")).isEqualTo(1.0);
    }

    /**
     * A retransmission (same message id from the same peer) within the peer's window is answered by Californium from
     * the exchange it remembers, without reaching the resource; an older one is processed again and recognised by the
     * buffer. Either way the device gets 2.04 and the reading is stored once, while the memory per peer stays bounded.
     */
    @Test
    void retransmissions_areRecognisedInThePeersWindow_andOlderOnesByTheBuffer() throws Exception {
        CoapEndpoint device = deviceEndpoint("thermo-7", THERMOMETER_KEY);
        device.start();
        try {
            for (int mid = 1; mid <= DEDUP_WINDOW + 2; mid++) {
                assertThat(postWithMid(device, mid, json(36.5, mid))).isEqualTo(ResponseCode.CHANGED);
            }
            assertThat(buffer.stats().unsent()).isEqualTo(DEDUP_WINDOW + 2);

            assertThat(postWithMid(device, DEDUP_WINDOW + 2, json(36.5, DEDUP_WINDOW + 2)))
                    .isEqualTo(ResponseCode.CHANGED);
            assertThat(alreadyKnown()).as("a recent retransmission never reaches the resource").isZero();

            assertThat(postWithMid(device, 1, json(36.5, 1))).isEqualTo(ResponseCode.CHANGED);
            assertThat(alreadyKnown()).as("an old one is processed again, and the buffer knows it").isEqualTo(1.0);
            assertThat(buffer.stats().unsent()).isEqualTo(DEDUP_WINDOW + 2);
        } finally {
            device.destroy();
        }
    }

    private ResponseCode postWithMid(CoapEndpoint device, int mid, String payload) throws InterruptedException {
        Request request = Request.newPost();
        request.setURI("coaps://127.0.0.1:" + intake.port() + "/readings");
        // A retransmission repeats the message id and the token; the remembered response carries that token.
        request.setMID(mid);
        request.setToken(new byte[] {(byte) 0x7e, (byte) mid});
        request.getOptions().setContentFormat(MediaTypeRegistry.APPLICATION_SENML_JSON);
        request.setPayload(payload);
        device.sendRequest(request);
        Response response = request.waitForResponse(5_000);
        assertThat(response).as("response to message id " + mid).isNotNull();
        return response.getCode();
    }

    private double alreadyKnown() {
        return metrics.counter("vitalwire.intake.readings", "source", "coap", "outcome", "already-known").count();
    }

    private double rejected(String reason) {
        return metrics.counter("vitalwire.intake.rejected", "source", "coap", "reason", reason).count();
    }

    private static String json(double celsius) {
        return json(celsius, 0);
    }

    private static String json(double celsius, int minutesLater) {
        return "[{\"bn\":\"urn:dev:sn:TH-7:\",\"bt\":"
                + Instant.parse("2026-11-23T10:00:00Z").plusSeconds(60L * minutesLater).getEpochSecond()
                + ",\"n\":\"body-temperature\",\"u\":\"Cel\",\"v\":" + celsius + "}]";
    }

    private CoapResponse post(String identity, byte[] key, String payload, int format) throws IOException {
        return post(identity, key, payload.getBytes(StandardCharsets.UTF_8), format);
    }

    private CoapResponse post(String identity, byte[] key, byte[] payload, int format) throws IOException {
        CoapClient client = new CoapClient("coaps://127.0.0.1:" + intake.port() + "/readings");
        client.setEndpoint(deviceEndpoint(identity, key));
        client.setTimeout(5_000L);
        try {
            CoapResponse response = client.post(payload, format);
            if (response == null) {
                throw new IOException("no response (handshake refused or timed out)");
            }
            return response;
        } catch (ConnectorException e) {
            throw new IOException(e);
        } finally {
            client.shutdown();
        }
    }

    private static CoapEndpoint deviceEndpoint(String identity, byte[] key) {
        Configuration cf = Configuration.createStandardWithoutFile();
        DtlsConnectorConfig dtls = DtlsConnectorConfig.builder(cf)
                .set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.CLIENT_ONLY)
                .setAdvancedPskStore(new AdvancedSinglePskStore(identity, key))
                .build();
        return new CoapEndpoint.Builder().setConfiguration(cf).setConnector(new DTLSConnector(dtls)).build();
    }

    private static CoapConfig config() {
        return new CoapConfig() {
            @Override
            public boolean isEnabled() {
                return true;
            }

            @Override
            public String getBindAddress() {
                return "127.0.0.1";
            }

            @Override
            public int getPort() {
                return 0;
            }

            @Override
            public Optional<String> getPskFile() {
                return Optional.empty();
            }

            @Override
            public int getMaxPayloadBytes() {
                return MAX_PAYLOAD;
            }

            @Override
            public int getHandshakeRetransmissions() {
                return 1;
            }

            @Override
            public int getMaxPeers() {
                return 16;
            }

            @Override
            public int getDedupWindow() {
                return DEDUP_WINDOW;
            }
        };
    }

    private static byte[] randomKey() {
        byte[] key = new byte[16];
        new SecureRandom().nextBytes(key);
        return key;
    }
}
