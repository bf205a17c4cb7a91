package io.vitalwire.testing;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The relaying half of a test's reverse proxy on the JDK's HTTP server (in front of the stack's FHIR server, say):
 * a request received is sent on to the same path under the upstream base URL, and an answer is written back, each
 * without the headers that describe one hop only. The proxies decide what to forward and what to answer themselves.
 */
public final class HttpRelay {

    /** Headers Java's HTTP client sets itself or that describe one hop only. */
    private static final Set<String> HOP_BY_HOP = Set.of("host", "connection", "content-length", "expect", "upgrade",
            "transfer-encoding", "keep-alive");

    private final HttpClient upstream = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final URI upstreamBase;
    private final Set<String> dropped;

    /**
     * @param upstreamBase the server's base URL
     * @param dropped      request headers not to pass on besides the hop-by-hop ones (lower case), e.g. a token the
     *                     proxy checked itself
     */
    public HttpRelay(URI upstreamBase, Set<String> dropped) {
        this.upstreamBase = upstreamBase;
        this.dropped = new HashSet<>(HOP_BY_HOP);
        this.dropped.addAll(dropped);
    }

    /** The request, with its {@code body} already read, sent on; the upstream's answer. */
    public HttpResponse<byte[]> forward(HttpExchange exchange, byte[] body) throws IOException, InterruptedException {
        URI u = exchange.getRequestURI();
        URI target = upstreamBase.resolve(u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery()));
        HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(60))
                .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!dropped.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(v -> request.header(name, v));
            }
        });
        return upstream.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Answers the exchange: status, headers (less the hop-by-hop ones) and body. */
    public static void answer(HttpExchange exchange, int status, byte[] body, Map<String, List<String>> headers)
            throws IOException {
        headers.forEach((name, values) -> {
            if (!name.startsWith(":") && !HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                exchange.getResponseHeaders().put(name, values);
            }
        });
        boolean noBody = body.length == 0 || status == 204 || status == 304;
        exchange.sendResponseHeaders(status, noBody ? -1 : body.length);
        if (!noBody) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
