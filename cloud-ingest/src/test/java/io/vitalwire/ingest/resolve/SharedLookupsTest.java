package io.vitalwire.ingest.resolve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The JSON a device lookup is shared in between replicas: user slots kept, older entries still readable. */
class SharedLookupsTest {

    private static final Instant SINCE = Instant.parse("2026-11-20T09:00:00Z");

    @Test
    void encodeDecode_keepsUserSlots() {
        DeviceLookup.Registered familyCuff = new DeviceLookup.Registered("Device/d1", "Patient/a", List.of(
                new Assignment("Patient/a", SINCE, null, 1),
                new Assignment("Patient/b", SINCE, SINCE.plusSeconds(60), 2),
                new Assignment("Patient/c", null, null)));

        assertThat(SharedLookups.decode(SharedLookups.encode(familyCuff))).isEqualTo(familyCuff);
    }

    @Test
    void decode_anEntryWrittenBeforeUserSlots_isAWholeDeviceAssignment() throws Exception {
        String older = "{\"device\":\"Device/d1\",\"currentPatient\":null,"
                + "\"history\":[{\"patient\":\"Patient/a\",\"start\":\"2026-11-20T09:00:00Z\",\"end\":null}]}";

        DeviceLookup.Registered decoded = SharedLookups.decode(new ObjectMapper().readTree(older));

        assertThat(decoded.history()).containsExactly(new Assignment("Patient/a", SINCE, null));
        assertThat(decoded.multiUser()).isFalse();
    }
}
