package io.vitalwire.gateway.installer;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/**
 * What the home network may reach once the server listens on it: the page and its API only. (Tests reach the hub
 * over loopback only, so the decision is tested here; InstallerApiTest shows the filter is in the chain.)
 */
class LoopbackManagementFilterTest {

    @Test
    void theHomeNetwork_reachesThePageAndItsApi_only() {
        assertThat(LoopbackManagementFilter.forHomeNetwork("/")).isTrue();
        assertThat(LoopbackManagementFilter.forHomeNetwork("/installer")).isTrue();
        assertThat(LoopbackManagementFilter.forHomeNetwork("/installer/index.html")).isTrue();
        assertThat(LoopbackManagementFilter.forHomeNetwork("/installer/api/hub")).isTrue();
        assertThat(LoopbackManagementFilter.forHomeNetwork("/health")).isFalse();
        assertThat(LoopbackManagementFilter.forHomeNetwork("/prometheus")).isFalse();
        assertThat(LoopbackManagementFilter.forHomeNetwork("/installerx")).isFalse();
        // Dot segments, plain or encoded, never pass as the page's.
        assertThat(LoopbackManagementFilter.forHomeNetwork("/installer/../health")).isFalse();
        assertThat(LoopbackManagementFilter.forHomeNetwork("/installer/%2e%2e/prometheus")).isFalse();
        assertThat(LoopbackManagementFilter.forHomeNetwork("/installer/%2E%2E%2Fhealth")).isFalse();
        assertThat(LoopbackManagementFilter.forHomeNetwork("/installer/..\\health")).isFalse();
    }

    @Test
    void onlyLoopbackClients_countAsTheHubItself() {
        assertThat(LoopbackManagementFilter.fromLoopback(new InetSocketAddress("127.0.0.1", 40000))).isTrue();
        assertThat(LoopbackManagementFilter.fromLoopback(new InetSocketAddress("::1", 40000))).isTrue();
        assertThat(LoopbackManagementFilter.fromLoopback(new InetSocketAddress("192.168.1.20", 40000))).isFalse();
        assertThat(LoopbackManagementFilter.fromLoopback(new InetSocketAddress("fe80::1", 40000))).isFalse();
        assertThat(LoopbackManagementFilter.fromLoopback(null)).isFalse();
    }
}
