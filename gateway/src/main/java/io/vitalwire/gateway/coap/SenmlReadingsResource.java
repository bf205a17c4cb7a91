package io.vitalwire.gateway.coap;

import io.vitalwire.contract.Reading;
import io.vitalwire.gateway.buffer.AppendResult;
import io.vitalwire.gateway.buffer.BufferException;
import io.vitalwire.gateway.buffer.ReadingBuffer;
import io.vitalwire.gateway.normalize.DeviceMeasurement;
import io.vitalwire.gateway.normalize.NormalizationException;
import io.vitalwire.gateway.normalize.Normalizer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /readings} with a SenML pack: answers 2.04 only after every reading in it is committed to the durable
 * buffer, so a device that got 2.04 may forget the readings. A pack is accepted or refused whole; a refusal says why
 * in a diagnostic payload and is counted by reason.
 */
final class SenmlReadingsResource extends CoapResource {

    static final String PATH = "readings";
    private static final Logger LOG = LoggerFactory.getLogger(SenmlReadingsResource.class);

    private final SenmlPackReader reader = new SenmlPackReader("/" + PATH);
    private final Normalizer normalizer;
    private final ReadingBuffer buffer;
    private final IntakeCounters counters;
    private final int maxPayloadBytes;
    private final Clock clock = Clock.systemUTC();

    SenmlReadingsResource(Normalizer normalizer, ReadingBuffer buffer, IntakeCounters counters, int maxPayloadBytes) {
        super(PATH);
        this.normalizer = normalizer;
        this.buffer = buffer;
        this.counters = counters;
        this.maxPayloadBytes = maxPayloadBytes;
        getAttributes().setTitle("SenML readings");
        getAttributes().addContentType(MediaTypeRegistry.APPLICATION_SENML_JSON);
    }

    @Override
    public void handlePOST(CoapExchange exchange) {
        int format = exchange.getRequestOptions().getContentFormat();
        if (format != MediaTypeRegistry.APPLICATION_SENML_JSON) {
            refuse(exchange, ResponseCode.UNSUPPORTED_CONTENT_FORMAT, "unsupported-format",
                    "content format " + format + " is not supported; send application/senml+json (110)");
            return;
        }
        byte[] payload = exchange.getRequestPayload();
        if (payload.length > maxPayloadBytes) {
            refuse(exchange, ResponseCode.REQUEST_ENTITY_TOO_LARGE, "too-large",
                    "pack of " + payload.length + " bytes exceeds " + maxPayloadBytes);
            return;
        }
        Instant receivedAt = clock.instant();
        List<Reading> readings = new ArrayList<>();
        try {
            for (DeviceMeasurement m : reader.read(payload, receivedAt)) {
                readings.add(normalizer.normalize(m, receivedAt));
            }
        } catch (SenmlException e) {
            refuse(exchange, ResponseCode.BAD_REQUEST, "malformed", e.getMessage());
            return;
        } catch (NormalizationException | IllegalArgumentException e) {
            refuse(exchange, ResponseCode.BAD_REQUEST, "invalid", e.getMessage());
            return;
        }
        try {
            AppendResult result = buffer.append(readings);
            counters.accepted(result.added(), result.alreadyKnown());
            exchange.respond(ResponseCode.CHANGED);
        } catch (BufferException e) {
            // Not durable, so not acknowledged: the device keeps the readings and retries.
            LOG.error("buffer append failed; answering 5.03 so the device retries", e);
            counters.rejected("buffer-unavailable");
            exchange.respond(ResponseCode.SERVICE_UNAVAILABLE, "buffer unavailable, retry later");
        }
    }

    private void refuse(CoapExchange exchange, ResponseCode code, String reason, String diagnostic) {
        counters.rejected(reason);
        // The diagnostic names fields and units, never values: it may end up in device logs.
        LOG.warn("refused a SenML pack from {} ({}): {}", exchange.getSourceSocketAddress(), reason, diagnostic);
        exchange.respond(code, diagnostic, MediaTypeRegistry.TEXT_PLAIN);
    }
}
