package io.vitalwire.ingest.fleet;

import io.vitalwire.contract.Topic;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Where a page of the fleet ends: the last hub's (tenant, gateway), the next page's {@code after}. Opaque to callers
 * (base64url), so the order it encodes can change without breaking their loops.
 */
record FleetCursor(String tenant, String gateway) {

    /** Before every hub. */
    static final FleetCursor START = new FleetCursor("", "");

    String encode() {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((tenant + "/" + gateway).getBytes(StandardCharsets.UTF_8));
    }

    /** The cursor a page handed out, if {@code text} is one. */
    static Optional<FleetCursor> decode(String text) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8).split("/", -1);
            if (parts.length == 2 && Topic.isSegment(parts[0]) && Topic.isSegment(parts[1])) {
                return Optional.of(new FleetCursor(parts[0], parts[1]));
            }
        } catch (IllegalArgumentException e) {
            // not base64url: not a cursor of ours
        }
        return Optional.empty();
    }
}
