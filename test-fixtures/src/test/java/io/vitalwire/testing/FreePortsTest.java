package io.vitalwire.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FreePortsTest {

    /**
     * Binding port 0 and letting go 1,500 times is given ~160 ports twice on this machine (the kernel picks at
     * random): the launcher must not hand one out again.
     */
    @Test
    void neverHandsOutAPortTwice() {
        Set<Integer> tcp = new HashSet<>();
        Set<Integer> udp = new HashSet<>();
        for (int i = 0; i < 1500; i++) {
            assertThat(tcp.add(FreePorts.tcp())).isTrue();
            assertThat(udp.add(FreePorts.udp())).isTrue();
        }
    }
}
