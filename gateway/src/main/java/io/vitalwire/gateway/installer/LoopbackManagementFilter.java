package io.vitalwire.gateway.installer;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import java.net.InetSocketAddress;

/**
 * With the pairing page on, the hub's HTTP server listens on the home network (the Debian package binds it to all
 * addresses): there, only the page and its API answer. Everything else — health, metrics — answers to the hub itself
 * (loopback) only, as it did when the server listened on loopback alone.
 */
@ServerFilter("/**")
@Requires(property = "vitalwire.gateway.installer.enabled", value = "true")
public class LoopbackManagementFilter {

    @RequestFilter
    @Nullable
    public HttpResponse<?> homeNetworkSeesOnlyThePage(HttpRequest<?> request) {
        return forHomeNetwork(request.getPath()) || fromLoopback(request.getRemoteAddress()) ? null
                : HttpResponse.notFound();
    }

    /**
     * The paths the home network may reach: the page, its API, and {@code /}, which leads to the page. A path with a
     * dot segment, plain or encoded, is not one of them whatever it starts with: {@code /installer/../health} must
     * not reach health if anything below normalises it.
     */
    static boolean forHomeNetwork(String path) {
        String lower = path.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("..") || lower.contains("%2e") || lower.contains("%2f") || lower.contains("\\")) {
            return false;
        }
        return path.equals("/") || path.equals("/installer") || path.startsWith("/installer/");
    }

    static boolean fromLoopback(InetSocketAddress remote) {
        return remote != null && remote.getAddress() != null && remote.getAddress().isLoopbackAddress();
    }
}
