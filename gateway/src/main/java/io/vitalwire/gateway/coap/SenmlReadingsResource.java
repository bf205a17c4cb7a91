package io.vitalwire.gateway.coap;

import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.contract.Transport;
import io.vitalwire.gateway.intake.Delivery;
import io.vitalwire.gateway.intake.IntakeOutcome;
import io.vitalwire.gateway.intake.Provenance;
import io.vitalwire.gateway.intake.ReadingIntake;
import io.vitalwire.gateway.normalize.DeviceMeasurement;
import io.vitalwire.privacy.DeviceAliases;
import java.security.Principal;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.elements.auth.PreSharedKeyIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /readings} with a SenML pack (JSON or CBOR) over DTLS: decodes it, hands its measurements to the
 * {@link ReadingIntake} and answers 2.04 only when the intake says every reading in it is durable, so a device that
 * got 2.04 may forget the readings. The device is the one its
 * pre-shared key identifies; a pack that names another device is refused with 4.03. A pack is accepted or refused
 * whole; a refusal says why in a diagnostic payload and is counted by reason: 4.00 for what cannot be read, 4.22 for
 * a value outside the contract's plausibility bounds.
 */
final class SenmlReadingsResource extends CoapResource {

    static final String PATH = "readings";
    private static final Logger LOG = LoggerFactory.getLogger(SenmlReadingsResource.class);
    /** Max-Age of a 5.03 at capacity: when the device should try again (RFC 7252 §5.9.3.4). */
    static final int FULL_RETRY_SECONDS = (int) ReadingIntake.RETRY_WHEN_FULL.toSeconds();

    private final SenmlPackReader reader = new SenmlPackReader("/" + PATH);
    private final DeviceCredentials credentials;
    private final ReadingIntake intake;
    private final IntakeCounters counters;
    private final CoapPolicy policy;
    private final Clock clock;
    private final DeviceAliases aliases;

    /** @param aliases how logs name devices: neither PSK identities nor serials go into them */
    SenmlReadingsResource(DeviceCredentials credentials, ReadingIntake intake, IntakeCounters counters,
                          CoapPolicy policy, Clock clock, DeviceAliases aliases) {
        super(PATH);
        this.aliases = aliases;
        this.credentials = credentials;
        this.intake = intake;
        this.counters = counters;
        this.policy = policy;
        this.clock = clock;
        getAttributes().setTitle("SenML readings");
        getAttributes().addContentType(MediaTypeRegistry.APPLICATION_SENML_JSON);
        getAttributes().addContentType(MediaTypeRegistry.APPLICATION_SENML_CBOR);
    }

    @Override
    public void handlePOST(CoapExchange exchange) {
        Principal peer = exchange.advanced().getRequest().getSourceContext().getPeerIdentity();
        if (!(peer instanceof PreSharedKeyIdentity psk)) {
            refuse(exchange, ResponseCode.UNAUTHORIZED, "unauthenticated",
                    "devices authenticate with their DTLS pre-shared key", null);
            return;
        }
        Optional<DeviceCredentials.Device> device = credentials.byPskIdentity(psk.getIdentity());
        if (device.isEmpty()) {
            refuse(exchange, ResponseCode.FORBIDDEN, "unknown-device", "this device is not registered", null);
            return;
        }
        DeviceIdentity identity = device.get().identity();
        if (!policy.allows(identity)) {
            refuse(exchange, ResponseCode.FORBIDDEN, "not-allowed", "this device is not on this hub's allow-list",
                    identity);
            return;
        }
        int format = exchange.getRequestOptions().getContentFormat();
        if (format != MediaTypeRegistry.APPLICATION_SENML_JSON && format != MediaTypeRegistry.APPLICATION_SENML_CBOR) {
            refuse(exchange, ResponseCode.UNSUPPORTED_CONTENT_FORMAT, "unsupported-format", "content format " + format
                    + " is not supported; send application/senml+json (110) or application/senml+cbor (112)",
                    identity);
            return;
        }
        byte[] payload = exchange.getRequestPayload();
        int maxPayloadBytes = policy.maxPayloadBytes();
        if (payload.length > maxPayloadBytes) {
            // Counted with every other 4.13 by CoapIntake's interceptor.
            exchange.respond(ResponseCode.REQUEST_ENTITY_TOO_LARGE,
                    "pack of " + payload.length + " bytes exceeds " + maxPayloadBytes, MediaTypeRegistry.TEXT_PLAIN);
            return;
        }
        Instant receivedAt = clock.instant();
        List<DeviceMeasurement> measurements;
        try {
            measurements = format == MediaTypeRegistry.APPLICATION_SENML_CBOR
                    ? reader.readCbor(payload, receivedAt, identity) : reader.readJson(payload, receivedAt, identity);
        } catch (SenmlException e) {
            if (e.forbidden()) {
                refuse(exchange, ResponseCode.FORBIDDEN, "spoofed-device", e.getMessage(), identity);
            } else {
                refuse(exchange, ResponseCode.BAD_REQUEST, "malformed", e.getMessage(), identity);
            }
            return;
        } catch (IllegalArgumentException e) {
            refuse(exchange, ResponseCode.BAD_REQUEST, "invalid", e.getMessage(), identity);
            return;
        }
        // A pack is what the device measured just now: live.
        answer(exchange, intake.take(new Delivery(Transport.COAP, Provenance.LIVE, receivedAt, measurements)),
                identity);
    }

    /** 2.04 only for a durable pack; a refused one is not acknowledged, so the device keeps it. */
    private void answer(CoapExchange exchange, IntakeOutcome outcome, DeviceIdentity device) {
        if (outcome instanceof IntakeOutcome.Durable) {
            exchange.respond(ResponseCode.CHANGED);
        } else if (outcome instanceof IntakeOutcome.Invalid invalid
                && invalid.fault() == IntakeOutcome.Fault.IMPLAUSIBLE) {
            // Well-formed, but no patient produces it (RFC 8132 4.22): a device fault, and sending it again is futile.
            refuse(exchange, ResponseCode.UNPROCESSABLE_ENTITY, "implausible", invalid.diagnostic(), device);
        } else if (outcome instanceof IntakeOutcome.Invalid invalid) {
            refuse(exchange, ResponseCode.BAD_REQUEST, "invalid", invalid.diagnostic(), device);
        } else if (outcome instanceof IntakeOutcome.BufferFull full) {
            // The device keeps the readings and retries after Max-Age.
            counters.rejected("buffer-full");
            Response unavailable = new Response(ResponseCode.SERVICE_UNAVAILABLE);
            unavailable.getOptions().setContentFormat(MediaTypeRegistry.TEXT_PLAIN)
                    .setMaxAge(full.retryAfter().toSeconds());
            // "full" for both: at capacity, or no room left on the gateway's disk.
            unavailable.setPayload("gateway buffer full, retry later");
            exchange.respond(unavailable);
        } else if (outcome instanceof IntakeOutcome.BufferFailing) {
            // The intake logged the failure; the device keeps the readings and retries.
            counters.rejected("buffer-unavailable");
            exchange.respond(ResponseCode.SERVICE_UNAVAILABLE, "buffer unavailable, retry later");
        }
    }

    /** @param device the registered device that sent the pack, or null before it is known */
    private void refuse(CoapExchange exchange, ResponseCode code, String reason, String diagnostic,
                        DeviceIdentity device) {
        counters.rejected(reason);
        // The diagnostic names fields and units, never values: it may end up in device logs. The device gets it as
        // it is; the log gets the device's alias in place of its serial (a pack or a reading key may quote it).
        if (device == null) {
            LOG.warn("refused a SenML pack from {} ({}): {}", exchange.getSourceSocketAddress(), reason, diagnostic);
        } else {
            LOG.warn("refused a SenML pack from device {} ({}): {}", aliases.of(device), reason,
                    aliases.scrub(diagnostic, device));
        }
        exchange.respond(code, diagnostic, MediaTypeRegistry.TEXT_PLAIN);
    }
}
