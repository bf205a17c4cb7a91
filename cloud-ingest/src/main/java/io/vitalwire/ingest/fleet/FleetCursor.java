package io.vitalwire.ingest.fleet;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a page of the fleet ends: the last hub's (tenant, gateway), the next page's {@code after}. Opaque to callers
 * (base64url), so the order it encodes can change without breaking their loops.
 */
record FleetCursor(String tenant, String gateway) {

    /** Before every hub. */
    static final FleetCursor START = new FleetCursor("", "");
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");

    String encode() {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((tenant + "/" + gateway).getBytes(StandardCharsets.UTF_8));
    }

    /** The cursor a page handed out, if {@code text} is one. */
    static Optional<FleetCursor> decode(String text) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8).split("/", -1);
            if (parts.length == 2 && SEGMENT.matcher(parts[0]).matches() && SEGMENT.matcher(parts[1]).matches()) {
                return Optional.of(new FleetCursor(parts[0], parts[1]));
            }
        } catch (IllegalArgumentException e) {
            // not base64url: not a cursor of ours
        }
        return Optional.empty();
    }
}
