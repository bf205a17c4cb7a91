package io.vitalwire.gateway.remote;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalwire.contract.Channel;
import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.GatewayConfig;
import io.vitalwire.contract.Topic;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Applying the cloud's configuration: atomically, on disk first, only newer versions, never an invalid one. */
class RemoteConfigTest {

    private static final String GATEWAY = "gw-remote";
    private static final Topic TOPIC = Topic.of("t1", GATEWAY, Channel.CONFIG);
    private static final Instant AT = Instant.parse("2026-12-03T14:00:00Z");

    @TempDir
    Path dir;

    private final ContractCodec codec = new ContractCodec();
    private final List<String> refusals = new ArrayList<>();
    private final List<Long> followed = new ArrayList<>();

    private RemoteConfig remote(ConfigCheck... checks) {
        RemoteConfig remote = new RemoteConfig(GATEWAY, dir.resolve(RemoteConfig.FILE),
                (version, reason) -> refusals.add(version + " " + reason), List.of(checks));
        remote.onApplied(c -> followed.add(c.version()));
        return remote;
    }

    private static GatewayConfig config(long version, String... ble) {
        return GatewayConfig.of(GATEWAY, version, AT, new GatewayConfig.Devices(List.of(ble), List.of("sn.T-1")),
                null, null, new GatewayConfig.Reporting(10));
    }

    @Test
    void aValidConfiguration_isWrittenToDisk_thenApplied_andFollowersGetIt() throws Exception {
        RemoteConfig remote = remote();
        assertThat(remote.applied()).isEmpty();
        assertThat(remote.appliedVersion()).isNull();

        assertThat(remote.offer(TOPIC, codec.encode(config(3, "C0:1D:00:00:00:02")))).isEqualTo(
                RemoteConfig.Outcome.APPLIED);

        assertThat(remote.appliedVersion()).isEqualTo(3L);
        assertThat(followed).containsExactly(3L);
        assertThat(codec.decode(Files.readAllBytes(dir.resolve(RemoteConfig.FILE)), GatewayConfig.class))
                .isEqualTo(config(3, "C0:1D:00:00:00:02"));
        try (var files = Files.list(dir)) {
            assertThat(files).as("no temporary file left behind").containsExactly(dir.resolve(RemoteConfig.FILE));
        }
        assertThat(refusals).isEmpty();
    }

    @Test
    void aVersionNotNewerThanTheApplied_isIgnored() throws Exception {
        RemoteConfig remote = remote();
        remote.offer(TOPIC, codec.encode(config(5, "C0:1D:00:00:00:02")));

        assertThat(remote.offer(TOPIC, codec.encode(config(5, "C0:1D:00:00:00:09")))).isEqualTo(
                RemoteConfig.Outcome.NOT_NEWER);
        assertThat(remote.offer(TOPIC, codec.encode(config(4, "C0:1D:00:00:00:09")))).isEqualTo(
                RemoteConfig.Outcome.NOT_NEWER);

        assertThat(remote.applied().orElseThrow().devices().ble()).containsExactly("C0:1D:00:00:00:02");
        assertThat(followed).containsExactly(5L);
        assertThat(refusals).isEmpty();
    }

    @Test
    void aConfigurationTheContractRefuses_isReported_andTheLastGoodStays() throws Exception {
        RemoteConfig remote = remote();
        remote.offer(TOPIC, codec.encode(config(1, "C0:1D:00:00:00:02")));
        byte[] before = Files.readAllBytes(dir.resolve(RemoteConfig.FILE));
        String bad = new String(codec.encode(config(2, "C0:1D:00:00:00:02 passkey=123456")), StandardCharsets.UTF_8)
                .replace("passkey=123456", "passkey=1234567");

        assertThat(remote.offer(TOPIC, bad.getBytes(StandardCharsets.UTF_8))).isEqualTo(RemoteConfig.Outcome.REFUSED);
        assertThat(remote.offer(TOPIC, "not json".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(RemoteConfig.Outcome.REFUSED);
        assertThat(remote.offer(Topic.of("t1", "gw-other", Channel.CONFIG), codec.encode(config(9))))
                .isEqualTo(RemoteConfig.Outcome.REFUSED);

        assertThat(refusals).containsExactly("2 invalid-config", "null invalid-config", "9 invalid-config");
        assertThat(remote.appliedVersion()).isEqualTo(1L);
        assertThat(Files.readAllBytes(dir.resolve(RemoteConfig.FILE))).isEqualTo(before);
        assertThat(followed).containsExactly(1L);
    }

    @Test
    void anEmptyPayload_theBrokerDeletingTheRetainedCopy_isNeitherAppliedNorRefused() throws Exception {
        RemoteConfig remote = remote();
        remote.offer(TOPIC, codec.encode(config(1, "C0:1D:00:00:00:02")));
        byte[] before = Files.readAllBytes(dir.resolve(RemoteConfig.FILE));

        assertThat(remote.offer(TOPIC, new byte[0])).isEqualTo(RemoteConfig.Outcome.WITHDRAWN);

        assertThat(refusals).isEmpty();
        assertThat(remote.appliedVersion()).isEqualTo(1L);
        assertThat(Files.readAllBytes(dir.resolve(RemoteConfig.FILE))).isEqualTo(before);
    }

    @Test
    void aConfigurationACheckRefuses_isRefusedAsAWhole() throws Exception {
        RemoteConfig remote = remote(c -> {
            if (c.devices().ble().size() > 1) {
                throw new IllegalArgumentException("entry 2 cannot be used");
            }
        });
        remote.offer(TOPIC, codec.encode(config(1, "C0:1D:00:00:00:02")));

        assertThat(remote.offer(TOPIC, codec.encode(config(2, "C0:1D:00:00:00:02", "C0:1D:00:00:00:03"))))
                .isEqualTo(RemoteConfig.Outcome.REFUSED);

        assertThat(refusals).containsExactly("2 invalid-allow-list");
        assertThat(remote.applied().orElseThrow().devices().ble()).containsExactly("C0:1D:00:00:00:02");
    }

    @Test
    void aConfigurationThatCannotBeWritten_isNotApplied() throws Exception {
        // The last good file's place is taken by a directory: the rename over it fails.
        Files.createDirectories(dir.resolve(RemoteConfig.FILE).resolve("blocked"));
        RemoteConfig remote = remote();

        assertThat(remote.offer(TOPIC, codec.encode(config(1)))).isEqualTo(RemoteConfig.Outcome.REFUSED);

        assertThat(refusals).containsExactly("1 not-persisted");
        assertThat(remote.applied()).isEmpty();
        assertThat(followed).isEmpty();
    }

    @Test
    void atStartUp_theLastGoodIsLoaded_butNotAnotherGatewaysOrACorruptOne() throws Exception {
        remote().offer(TOPIC, codec.encode(config(7, "C0:1D:00:00:00:02")));

        RemoteConfig restarted = remote();
        assertThat(restarted.appliedVersion()).isEqualTo(7L);
        assertThat(restarted.offer(TOPIC, codec.encode(config(7)))).isEqualTo(RemoteConfig.Outcome.NOT_NEWER);

        Files.write(dir.resolve(RemoteConfig.FILE), codec.encode(GatewayConfig.of("gw-other", 8, AT,
                new GatewayConfig.Devices(List.of(), List.of()), null, null, null)));
        assertThat(remote().applied()).isEmpty();
        Files.writeString(dir.resolve(RemoteConfig.FILE), "{\"v\":\"1.2\",\"gatewayId\":\"" + GATEWAY + "\",");
        assertThat(remote().applied()).isEmpty();
    }
}
