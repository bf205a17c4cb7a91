package io.vitalwire.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.Test;

class ClockQualityTest {

    /** Sinks write code(); the wire carries the JSON name. They must never drift apart. */
    @Test
    void code_isTheNameTheContractsJsonGivesIt() throws Exception {
        JsonMapper json = new JsonMapper();
        for (ClockQuality q : ClockQuality.values()) {
            assertThat(json.writeValueAsString(q)).isEqualTo("\"" + q.code() + "\"");
        }
        assertThat(ClockQuality.RECEIVE_TIME.code()).isEqualTo("receive-time");
    }
}
