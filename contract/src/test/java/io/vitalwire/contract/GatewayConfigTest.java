package io.vitalwire.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code config} channel's payload (since 1.2): what the codec takes and what it refuses. */
class GatewayConfigTest {

    private static final Topic CONFIG = Topic.of("t1", "gw-1", Channel.CONFIG);
    private final ContractCodec codec = new ContractCodec();

    static GatewayConfig sample() {
        return GatewayConfig.of("gw-1", 3, Samples.RECEIVED, new GatewayConfig.Devices(
                        List.of("C0:1D:00:00:00:02 passkey=123456 serial=BPC-0002", "c0:1d:00:00:00:04 just-works",
                                "C0:1D:00:00:00:08 irk=ec0234a357c8ad05341010a60a397d9b"),
                        List.of("sn.THERMO-7", "sn.SCALE~2F1")),
                new GatewayConfig.BleSettings(true), new GatewayConfig.CoapSettings(8192),
                new GatewayConfig.Reporting(60));
    }

    @Test
    void config_roundTrip_isLossless_andTheTopicIsRetainedConfig() throws Exception {
        GatewayConfig config = sample();

        assertThat(codec.decode(CONFIG, codec.encode(config))).isEqualTo(config);
        assertThat(CONFIG.path()).isEqualTo("vitalwire/v1/t1/gw-1/config");
        assertThat(Topic.parse(CONFIG.path())).isEqualTo(CONFIG);
    }

    @Test
    void config_withoutOptionalSettings_roundTrips_andEmptyListsMeanNoDevice() throws Exception {
        GatewayConfig bare = GatewayConfig.of("gw-1", 1, Samples.RECEIVED,
                new GatewayConfig.Devices(List.of(), List.of()), null, null, null);

        assertThat(codec.decode(CONFIG, codec.encode(bare))).isEqualTo(bare);
        assertThat(json(bare)).doesNotContain("\"ble\":{").doesNotContain("reporting");
    }

    @Test
    void config_thatBreaksTheContract_isRefusedNamingTheField() {
        String good = json(sample());
        Map<String, String> bad = Map.ofEntries(
                Map.entry(good.replace("\"version\":3", "\"version\":0"), "version"),
                Map.entry(good.replace("\"version\":3", "\"version\":-3"), "version"),
                Map.entry(good.replace("\"version\":3", "\"version\":\"3\""), "version"),
                Map.entry(good.replace("\"version\":3,", ""), "version"),
                Map.entry(good.replace("\"issuedAt\"", "\"issued\""), "issuedAt"),
                Map.entry(good.replace("passkey=123456", "passkey=1234567"), "devices.ble[0]"),
                Map.entry(good.replace("passkey=123456", "passkey=123456 just-works"), "devices.ble[0]"),
                Map.entry(good.replace("serial=BPC-0002", "serial=BPC-0002 serial=X"), "devices.ble[0]"),
                Map.entry(good.replace("C0:1D:00:00:00:02 ", "BPC-0002 "), "devices.ble[0]"),
                Map.entry(good.replace("C0:1D:00:00:00:02 passkey", "C0:1D:00:00:00:02  passkey"),
                        "devices.ble[0]"),
                Map.entry(good.replace("c0:1d:00:00:00:04", "C0:1D:00:00:00:02"), "devices.ble[1]"),
                Map.entry(good.replace("\"sn.SCALE~2F1\"", "\"sn.THERMO-7\""), "devices.coap"),
                Map.entry(good.replace("sn.SCALE~2F1", "bd.C0~3A1D"), "devices.coap[1]"),
                Map.entry(good.replace(",\"coap\":[\"sn.THERMO-7\",\"sn.SCALE~2F1\"]", ""), "devices.coap"),
                Map.entry(good.replace("8192", "100"), "coap.maxPayloadBytes"),
                Map.entry(good.replace("\"statusIntervalSeconds\":60", "\"statusIntervalSeconds\":1"),
                        "reporting.statusIntervalSeconds"),
                Map.entry(good.replace("\"statusIntervalSeconds\":60", "\"statusIntervalSeconds\":86400"),
                        "reporting.statusIntervalSeconds"));
        bad.forEach((payload, field) -> assertThatThrownBy(() -> codec.decode(CONFIG, bytes(payload)))
                .as(payload).isInstanceOf(ContractViolation.class).hasMessageContaining(field));
    }

    @Test
    void config_forAnotherGateway_orOfAnotherMajorVersion_isRefused() {
        assertThatThrownBy(() -> codec.decode(Topic.of("t1", "gw-2", Channel.CONFIG), codec.encode(sample())))
                .isInstanceOfSatisfying(ContractViolation.class,
                        v -> assertThat(v.reason()).isEqualTo(ContractViolation.Reason.INVALID_TOPIC));
        assertThatThrownBy(() -> codec.decode(CONFIG, bytes(json(sample()).replace("\"v\":\"1.2\"", "\"v\":\"2.0\""))))
                .isInstanceOfSatisfying(ContractViolation.class,
                        v -> assertThat(v.reason()).isEqualTo(ContractViolation.Reason.UNSUPPORTED_VERSION));
    }

    @Test
    void config_withMoreDevicesThanTheBound_isTooLarge() {
        List<String> many = java.util.stream.IntStream.range(0, GatewayConfig.MAX_DEVICES + 1)
                .mapToObj(i -> "sn.D" + i).toList();

        assertThatThrownBy(() -> new GatewayConfig.Devices(List.of(), many))
                .hasMessageContaining("devices.coap").hasMessageContaining("at most " + GatewayConfig.MAX_DEVICES);
    }

    @Test
    void configRefusedEvent_needsAReason_andItsVersionIsDigits() throws Exception {
        Topic events = Topic.of("t1", "gw-1", Channel.EVENTS);
        GatewayEvent refused = new GatewayEvent(ContractVersion.CURRENT, "gw-1", Samples.RECEIVED,
                GatewayEvent.CONFIG_REFUSED, Map.of("reason", "invalid-allow-list", "version", "12"));
        assertThat(codec.decode(events, codec.encode(refused))).isEqualTo(refused);

        assertThatThrownBy(() -> new GatewayEvent(ContractVersion.CURRENT, "gw-1", Samples.RECEIVED,
                GatewayEvent.CONFIG_REFUSED, Map.of("version", "12"))).hasMessageContaining("attributes.reason");
        assertThatThrownBy(() -> new GatewayEvent(ContractVersion.CURRENT, "gw-1", Samples.RECEIVED,
                GatewayEvent.CONFIG_REFUSED, Map.of("reason", "bad", "version", "C0:1D"))).hasMessageContaining(
                "attributes.version");
    }

    @Test
    void status_configVersion_isPositiveWhenPresent() {
        assertThatThrownBy(() -> new GatewayStatus(ContractVersion.CURRENT, "gw-1", Samples.RECEIVED, 0L, null,
                "connected", Map.of(), ClockSync.SYNCED, 0L, null, 0L)).hasMessageContaining("configVersion");
    }

    private String json(ContractMessage message) {
        return new String(codec.encode(message), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
