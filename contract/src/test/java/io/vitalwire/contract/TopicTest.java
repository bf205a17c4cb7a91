package io.vitalwire.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TopicTest {

    @Test
    void path_hasVersionTenantGatewayAndChannel() {
        assertThat(Topic.of("clinic-a", "gw-0001", Channel.READINGS).path())
                .isEqualTo("vitalwire/v1/clinic-a/gw-0001/readings");
        assertThat(Topic.of("clinic-a", "gw-0001", Channel.STATE).path()).endsWith("/state");
    }

    @Test
    void isSegment_acceptsWhatATopicTakes_only() {
        assertThat(Topic.isSegment("clinic-a")).isTrue();
        assertThat(Topic.isSegment("gw_0001")).isTrue();
        assertThat(Topic.isSegment("a".repeat(64))).isTrue();
        assertThat(Topic.isSegment("a".repeat(65))).isFalse();
        assertThat(Topic.isSegment("-gw")).isFalse();
        assertThat(Topic.isSegment("gw/1")).isFalse();
        assertThat(Topic.isSegment("gw+")).isFalse();
        assertThat(Topic.isSegment("")).isFalse();
        assertThat(Topic.isSegment(null)).isFalse();
    }

    @Test
    void parse_roundTripsEveryChannel() throws Exception {
        for (Channel channel : Channel.values()) {
            Topic topic = Topic.of("t1", "gw-9", channel);
            assertThat(Topic.parse(topic.path())).isEqualTo(topic);
        }
    }

    @Test
    void parse_unknownMajorVersion_isUnsupported() {
        assertThatThrownBy(() -> Topic.parse("vitalwire/v2/t1/gw-1/readings"))
                .isInstanceOfSatisfying(ContractViolation.class,
                        v -> assertThat(v.reason()).isEqualTo(ContractViolation.Reason.UNSUPPORTED_VERSION));
    }

    @Test
    void parse_foreignOrMalformedTopics_areRefused() {
        for (String bad : new String[] {"other/v1/t1/gw-1/readings", "vitalwire/v1/t1/readings",
                "vitalwire/v1/t1/gw-1/readings/extra", "vitalwire/v1/t1/gw-1/logs", "vitalwire/v1/t+/gw-1/readings",
                "vitalwire/version1/t1/gw-1/readings", "vitalwire/v1//gw-1/readings"}) {
            assertThatThrownBy(() -> Topic.parse(bad)).as(bad)
                    .isInstanceOfSatisfying(ContractViolation.class,
                            v -> assertThat(v.reason()).isEqualTo(ContractViolation.Reason.INVALID_TOPIC));
        }
    }

    @Test
    void segments_refuseWildcardsSeparatorsAndFreeText() {
        for (String bad : new String[] {"+", "#", "a/b", "Jane Doe", "", "-leading"}) {
            assertThatThrownBy(() -> Topic.of("t1", bad, Channel.READINGS)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void sharedReadingsFilter_matchesEveryVersionSoUnknownOnesCanBeQuarantined() {
        assertThat(Topic.sharedReadingsFilter("cloud-ingest"))
                .isEqualTo("$share/cloud-ingest/vitalwire/+/+/+/readings");
    }

    @Test
    void sharedFilter_namesTheChannel_andRefusesAGroupThatIsNoTopicSegment() {
        assertThat(Topic.sharedFilter("cloud-ingest", Channel.EVENTS))
                .isEqualTo("$share/cloud-ingest/vitalwire/+/+/+/events");
        assertThatThrownBy(() -> Topic.sharedFilter("a/b", Channel.EVENTS))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
