package io.vitalwire.gateway.uplink;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalwire.gateway.status.AdapterStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The heartbeat's adapters map, from whatever AdapterStatus beans the inputs offer. */
class AdapterStatesTest {

    private static AdapterStatus of(String name, String state) {
        return new AdapterStatus() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String state() {
                if (state.equals("throw")) {
                    throw new IllegalStateException("broken");
                }
                return state;
            }
        };
    }

    @Test
    void adapterStates_everyAdapterByName_aFailingOneIsUnknown() {
        assertThat(Heartbeat.adapterStates(List.of(of("coap", "listening"), of("ble", "powered"),
                of("usb", "throw")))).containsExactly(java.util.Map.entry("ble", "powered"),
                java.util.Map.entry("coap", "listening"), java.util.Map.entry("usb", "unknown"));
    }

    @Test
    void adapterStates_none_isEmpty() {
        assertThat(Heartbeat.adapterStates(List.of())).isEmpty();
    }
}
