package io.vitalwire.ingest.gatewayconfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.vitalwire.contract.Channel;
import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.GatewayConfig;
import io.vitalwire.contract.Topic;
import io.vitalwire.ingest.installation.DeviceInstallations;
import io.vitalwire.ingest.installation.Hub;
import io.vitalwire.ingest.tenancy.GatewayTenants;
import io.vitalwire.ingest.testing.AdminApi;
import io.vitalwire.ingest.testing.TestStack;
import io.vitalwire.testing.MosquittoBroker;
import io.vitalwire.testing.TestTokens;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hub's configuration from the cloud, as an operator sets it through the admin API, against a Mosquitto of the
 * test's own and PostgreSQL: each change arrives at the hub's retained {@code …/config} topic as the next version,
 * the allow-list follows the device registry (an installation at the hub issues a new version by itself), an invalid
 * change is refused with 400 naming the field and issues nothing, only an operator may change it, and a cloud-ingest
 * that starts publishes the current versions again (a broker that lost its retained messages gets them back).
 */
class GatewayConfigIT {

    private static final String TENANT = "test";
    private static final Duration ARRIVAL = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final TestStack stack = new TestStack();
    private final ContractCodec codec = new ContractCodec();
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String gateway = "gw-config-" + run;
    private final Hub hub = new Hub(TENANT, gateway);
    private final List<GatewayConfig> arrived = new CopyOnWriteArrayList<>();
    private MosquittoBroker broker;
    private MqttAsyncClient hubClient;
    private EmbeddedServer ingest;
    private AdminApi admin;

    @BeforeEach
    void start() throws Exception {
        broker = MosquittoBroker.plain(dir);
        startIngest();
        hubClient = new MqttAsyncClient(broker.url(), "hub-" + run, new MemoryPersistence());
        hubClient.connect(new MqttConnectionOptions()).waitForCompletion(10_000);
        Topic topic = Topic.of(TENANT, gateway, Channel.CONFIG);
        IMqttMessageListener listener = (t, message) -> {
            if (message.getPayload().length > 0) {
                arrived.add((GatewayConfig) codec.decode(Topic.parse(t), message.getPayload()));
            }
        };
        hubClient.subscribe(new MqttSubscription[] {new MqttSubscription(topic.path(), 1)}, null, null,
                new IMqttMessageListener[] {listener}, new MqttProperties()).waitForCompletion(10_000);
        ingest.getApplicationContext().getBean(GatewayTenants.class).register(gateway, TENANT, "test", null);
    }

    private void startIngest() {
        Map<String, String> overrides = new HashMap<>();
        overrides.put("vitalwire.ingest.mqtt.enabled", "true");
        overrides.put("vitalwire.ingest.mqtt.broker-url", broker.url());
        overrides.put("vitalwire.ingest.mqtt.client-id", "ingest-" + run);
        overrides.put("vitalwire.ingest.mqtt.share-group", "config-" + run);
        overrides.put("vitalwire.ingest.inbox.workers-enabled", "false");
        ingest = ApplicationContext.run(EmbeddedServer.class, new HashMap<>(stack.properties(overrides)));
        admin = new AdminApi(ingest.getURL());
    }

    @AfterEach
    void close() throws Exception {
        ingest.close();
        hubClient.disconnect().waitForCompletion(5_000);
        hubClient.close();
        broker.close();
        stack.dropSchema();
    }

    @Test
    void anOperatorsChange_arrivesRetainedAsTheNextVersion_andTheAllowListFollowsTheRegistry() throws Exception {
        DeviceInstallations installations = ingest.getApplicationContext().getBean(DeviceInstallations.class);
        installations.install("bd.C0~3A1D~3A00~3A00~3A00~3A02", hub, "installer", null);
        installations.install("sn.THERMO-" + run, hub, "installer", null);
        installations.install("sn.ELSEWHERE-" + run, new Hub(TENANT, "gw-other-" + run), "installer", null);

        JsonNode first = admin.json(put("{\"reporting\":{\"statusIntervalSeconds\":60},\"note\":\"ward 3\"}",
                "operator"));

        assertThat(first.get("version").asLong()).isEqualTo(1);
        assertThat(first.get("devicesFrom").asText()).isEqualTo("registry");
        assertThat(first.get("publishedVersion").asLong()).isEqualTo(1);
        await().atMost(ARRIVAL).until(() -> arrived.size() == 1);
        GatewayConfig v1 = arrived.get(0);
        assertThat(v1.version()).isEqualTo(1);
        assertThat(v1.devices().ble()).containsExactly("C0:1D:00:00:00:02");
        assertThat(v1.devices().coap()).containsExactly("sn.THERMO-" + run);
        assertThat(v1.reporting().statusIntervalSeconds()).isEqualTo(60);
        assertThat(v1.ble()).isNull();

        // An installer installs a scale at this hub: the hub's allow-list follows without the operator.
        installations.install("sn.SCALE-" + run, hub, "installer", null);
        await().atMost(ARRIVAL).until(() -> arrived.size() == 2);
        assertThat(arrived.get(1).version()).isEqualTo(2);
        assertThat(arrived.get(1).devices().coap()).containsExactly("sn.SCALE-" + run, "sn.THERMO-" + run);
        assertThat(arrived.get(1).reporting()).isEqualTo(v1.reporting());

        // The operator's own list (a cuff that bonds with its passkey) replaces the registry's.
        JsonNode own = admin.json(put("{\"devices\":{\"ble\":[\"C0:1D:00:00:00:02 passkey=123456\"],\"coap\":[]},"
                + "\"ble\":{\"setDeviceClock\":true}}", "operator"));
        assertThat(own.get("devicesFrom").asText()).isEqualTo("operator");
        await().atMost(ARRIVAL).until(() -> arrived.size() == 3);
        assertThat(arrived.get(2).version()).isEqualTo(3);
        assertThat(arrived.get(2).devices().ble()).containsExactly("C0:1D:00:00:00:02 passkey=123456");
        assertThat(arrived.get(2).devices().coap()).isEmpty();
        // …and the registry no longer changes it.
        installations.install("sn.LATER-" + run, hub, "installer", null);
        assertThat(admin.get("/admin/gateways/" + gateway + "/config").get("version").asLong()).isEqualTo(3);

        JsonNode history = admin.get("/admin/gateways/" + gateway + "/config/history");
        assertThat(history.get("changes")).extracting(c -> c.get("version").asLong()).containsExactly(3L, 2L, 1L);
        assertThat(history.get("changes")).extracting(c -> c.get("by").asText())
                .containsExactly("op-" + run, GatewayConfigs.INSTALLATION, "op-" + run);
        assertThat(history.at("/changes/2/note").asText()).isEqualTo("ward 3");
        Thread.sleep(500);
        assertThat(arrived).hasSize(3);
    }

    @Test
    void anInvalidChange_isRefusedNamingTheField_andOnlyAnOperatorMayChange() throws Exception {
        assertThat(admin.json(put("{}", "operator")).get("version").asLong()).isEqualTo(1);

        HttpResponse<String> badPasskey = put("{\"devices\":{\"ble\":[\"C0:1D:00:00:00:02 passkey=1234567\"],"
                + "\"coap\":[]}}", "operator");
        HttpResponse<String> badInterval = put("{\"reporting\":{\"statusIntervalSeconds\":1}}", "operator");
        HttpResponse<String> misspelt = put("{\"reportng\":{\"statusIntervalSeconds\":60}}", "operator");
        HttpResponse<String> clinical = put("{}", "clinical-admin");
        HttpResponse<String> unknownHub = admin.putAs("/admin/gateways/gw-nobody-" + run + "/config", "{}",
                TestTokens.shared().bearer("op-" + run, "operator"));

        assertThat(badPasskey.statusCode()).isEqualTo(400);
        assertThat(badPasskey.body()).contains("devices.ble[0]");
        assertThat(badInterval.statusCode()).isEqualTo(400);
        assertThat(badInterval.body()).contains("reporting.statusIntervalSeconds");
        assertThat(misspelt.statusCode()).isEqualTo(400);
        assertThat(clinical.statusCode()).isEqualTo(403);
        assertThat(unknownHub.statusCode()).isEqualTo(409);
        assertThat(admin.get("/admin/gateways/" + gateway + "/config").get("version").asLong()).isEqualTo(1);
        await().atMost(ARRIVAL).until(() -> arrived.size() == 1);
        Thread.sleep(500);
        assertThat(arrived).extracting(GatewayConfig::version).containsExactly(1L);
    }

    @Test
    void aStartingCloudIngest_publishesTheCurrentVersionsAgain_forABrokerThatLostThem() throws Exception {
        admin.json(put("{\"reporting\":{\"statusIntervalSeconds\":30}}", "operator"));
        await().atMost(ARRIVAL).until(() -> arrived.size() == 1);
        ingest.close();
        // The broker loses its retained configuration (as after a crash between two saves).
        hubClient.publish(Topic.of(TENANT, gateway, Channel.CONFIG).path(), new byte[0], 1, true)
                .waitForCompletion(5_000);

        startIngest();

        await().atMost(ARRIVAL).until(() -> arrived.size() == 2);
        assertThat(arrived.get(1)).isEqualTo(arrived.get(0));
        List<GatewayConfig> retained = new CopyOnWriteArrayList<>();
        MqttAsyncClient late = new MqttAsyncClient(broker.url(), "late-" + run, new MemoryPersistence());
        late.connect(new MqttConnectionOptions()).waitForCompletion(10_000);
        late.subscribe(new MqttSubscription[] {new MqttSubscription(Topic.of(TENANT, gateway, Channel.CONFIG).path(),
                1)}, null, null, new IMqttMessageListener[] {(t, m) -> retained.add((GatewayConfig) codec.decode(
                Topic.parse(t), m.getPayload()))}, new MqttProperties()).waitForCompletion(10_000);
        await().atMost(ARRIVAL).until(() -> retained.size() == 1);
        assertThat(retained.get(0).version()).isEqualTo(1);
        late.disconnect().waitForCompletion(5_000);
        late.close();
    }

    @Test
    void aHubMovedToAnotherTenant_getsItsConfigurationOnTheNewTenantsTopic_andTheOldOneKeepsNone() throws Exception {
        admin.json(put("{\"devices\":{\"ble\":[\"C0:1D:00:00:00:02 passkey=123456\"],\"coap\":[]}}", "operator"));
        await().atMost(ARRIVAL).until(() -> arrived.size() == 1);
        String moved = "moved-" + run;
        List<GatewayConfig> atNewTenant = new CopyOnWriteArrayList<>();
        List<byte[]> atOldTenant = new CopyOnWriteArrayList<>();
        MqttAsyncClient watcher = new MqttAsyncClient(broker.url(), "watch-" + run, new MemoryPersistence());
        watcher.connect(new MqttConnectionOptions()).waitForCompletion(10_000);
        watcher.subscribe(new MqttSubscription[] {
                new MqttSubscription(Topic.of(moved, gateway, Channel.CONFIG).path(), 1)}, null, null,
                new IMqttMessageListener[] {(t, m) -> atNewTenant.add((GatewayConfig) codec.decode(Topic.parse(t),
                        m.getPayload()))}, new MqttProperties()).waitForCompletion(10_000);

        ingest.getApplicationContext().getBean(GatewayTenants.class).register(gateway, moved, "op-" + run, "moved");

        await().atMost(ARRIVAL).until(() -> atNewTenant.size() == 1);
        assertThat(atNewTenant.get(0)).isEqualTo(arrived.get(0));
        assertThat(admin.get("/admin/gateways/" + gateway + "/config").get("publishedVersion").asLong())
                .isEqualTo(1);
        // The old tenant's topic no longer holds the hub's allow-list (and its passkey): a new subscriber gets nothing.
        MqttAsyncClient late = new MqttAsyncClient(broker.url(), "late-old-" + run, new MemoryPersistence());
        late.connect(new MqttConnectionOptions()).waitForCompletion(10_000);
        late.subscribe(new MqttSubscription[] {new MqttSubscription(Topic.of(TENANT, gateway, Channel.CONFIG).path(),
                1)}, null, null, new IMqttMessageListener[] {(t, m) -> atOldTenant.add(m.getPayload())},
                new MqttProperties()).waitForCompletion(10_000);
        Thread.sleep(1_000);
        assertThat(atOldTenant).allSatisfy(payload -> assertThat(payload).isEmpty());
        for (MqttAsyncClient client : List.of(watcher, late)) {
            client.disconnect().waitForCompletion(5_000);
            client.close();
        }
    }

    private HttpResponse<String> put(String body, String role) throws Exception {
        return admin.putAs("/admin/gateways/" + gateway + "/config", body,
                TestTokens.shared().bearer(role.equals("operator") ? "op-" + run : "ca-" + run, role));
    }
}
