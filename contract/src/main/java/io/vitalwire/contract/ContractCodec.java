package io.vitalwire.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * Encodes and decodes the contract's JSON payloads. The single place where bytes become messages: the gateway, the
 * simulators and cloud-ingest all use it, so the two sides cannot drift apart.
 *
 * <p>Decoding is strict where ambiguity could corrupt medical data (duplicate keys, trailing garbage, a number where a
 * code belongs) and lenient where compatibility needs it (unknown fields from a newer minor version are ignored).
 * Every refusal is a {@link ContractViolation} with a reason and the path of the offending field.
 */
public final class ContractCodec {

    /** Bounded so that one message can never exhaust a receiver's memory; a full batch stays well below it. */
    public static final int MAX_MESSAGE_BYTES = 2 * 1024 * 1024;

    private final ObjectMapper mapper = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            // 128.0 and 128 are different measurements (the device's resolution is part of the value).
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            // A code or unit sent as a number is a sender bug; coercing it would hide the bug.
            .withCoercionConfig(LogicalType.Textual, c -> c
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            // Likewise a count or a version sent as a string: "3" where 3 belongs is a sender bug.
            .withCoercionConfig(LogicalType.Integer, c -> c
                    .setCoercion(CoercionInputShape.String, CoercionAction.Fail))
            .build();

    public byte[] encode(ContractMessage message) {
        try {
            return mapper.writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            // Our own records always serialise; failing here is a programming error, not bad input.
            throw new UncheckedIOException(e);
        }
    }

    /** One reading on its own, as the gateway's buffer stores it between intake and uplink. */
    public byte[] encodeReading(Reading reading) {
        try {
            return mapper.writeValueAsBytes(reading);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A {@link ReadingBatch} payload made of readings that {@link #encodeReading} already wrote, spliced in as they
     * are. The gateway's uplink sends every reading it buffered this way: decoding each one only to encode it again
     * was most of the uplink's CPU, and the bytes were validated as a {@link Reading} when they were first encoded
     * (and the buffer's authenticated encryption guarantees they were not altered since). The result equals
     * {@code encode(ReadingBatch.of(gatewayId, batchId, sentAt, readings))}; {@code ContractCodecTest} holds the two to it.
     */
    public byte[] encodeReadingBatch(String gatewayId, String batchId, Instant sentAt, List<byte[]> encodedReadings) {
        FieldViolation.required("gatewayId", gatewayId);
        if (batchId != null) {
            FieldViolation.matching("batchId", batchId, ReadingBatch.BATCH_ID);
        }
        FieldViolation.required("sentAt", sentAt);
        FieldViolation.nonEmpty("readings", encodedReadings, ReadingBatch.MAX_READINGS);
        int size = 160 + gatewayId.length();
        for (byte[] reading : encodedReadings) {
            size += reading.length + 1;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        try (JsonGenerator json = mapper.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("v", ContractVersion.CURRENT);
            json.writeStringField("gatewayId", gatewayId);
            if (batchId != null) {
                json.writeStringField("batchId", batchId);
            }
            json.writeObjectField("sentAt", sentAt);
            json.writeArrayFieldStart("readings");
            for (byte[] reading : encodedReadings) {
                json.writeRawValue(new String(reading, StandardCharsets.UTF_8));
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Reads back what {@link #encodeReading} wrote; refuses anything else. */
    public Reading decodeReading(byte[] stored) throws ContractViolation {
        try {
            return mapper.readValue(stored, Reading.class);
        } catch (JsonMappingException e) {
            throw violation(e);
        } catch (IOException e) {
            throw new ContractViolation(ContractViolation.Reason.MALFORMED, "unreadable reading: " + e.getMessage(), e);
        } catch (NumberFormatException e) {
            throw new ContractViolation(ContractViolation.Reason.MALFORMED, "a number beyond what can be read", e);
        } catch (IllegalArgumentException e) {
            throw violation(e);
        }
    }

    public ReadingBatch decodeReadings(byte[] payload) throws ContractViolation {
        return decode(payload, ReadingBatch.class);
    }

    /**
     * Decodes a payload that arrived on {@code topic} into the message type of the topic's channel, and checks that
     * the payload speaks for the gateway the topic names.
     */
    public ContractMessage decode(Topic topic, byte[] payload) throws ContractViolation {
        ContractMessage message = switch (topic.channel()) {
            case READINGS -> decode(payload, ReadingBatch.class);
            case STATUS -> decode(payload, GatewayStatus.class);
            case STATE -> decode(payload, GatewayState.class);
            case EVENTS -> decode(payload, GatewayEvent.class);
            case RECEIPTS -> decode(payload, Receipt.class);
            case CONFIG -> decode(payload, GatewayConfig.class);
            case QUARANTINE -> throw new ContractViolation(ContractViolation.Reason.INVALID_TOPIC,
                    "the quarantine channel carries refused payloads, not contract messages");
        };
        if (!message.gatewayId().equals(topic.gatewayId())) {
            throw new ContractViolation(ContractViolation.Reason.INVALID_TOPIC, "payload gatewayId '"
                    + message.gatewayId() + "' does not match topic gateway '" + topic.gatewayId() + "'");
        }
        return message;
    }

    public <T extends ContractMessage> T decode(byte[] payload, Class<T> type) throws ContractViolation {
        if (payload.length > MAX_MESSAGE_BYTES) {
            throw new ContractViolation(ContractViolation.Reason.TOO_LARGE,
                    "payload of " + payload.length + " bytes exceeds " + MAX_MESSAGE_BYTES);
        }
        JsonNode tree = readTree(payload);
        JsonNode version = tree.get("v");
        ContractVersion.requireSupported(version == null || version.isNull() ? null : version.asText());
        try {
            return mapper.treeToValue(tree, type);
        } catch (JsonMappingException e) {
            throw violation(e);
        } catch (JsonProcessingException e) {
            throw new ContractViolation(ContractViolation.Reason.MALFORMED, e.getOriginalMessage(), e);
        } catch (IllegalArgumentException e) {
            throw violation(e);
        }
    }

    private JsonNode readTree(byte[] payload) throws ContractViolation {
        try (JsonParser parser = mapper.createParser(payload)) {
            JsonNode tree = mapper.readTree(parser);
            if (tree == null || !tree.isObject()) {
                throw new ContractViolation(ContractViolation.Reason.MALFORMED, "payload is not a JSON object");
            }
            return tree;
        } catch (JsonProcessingException e) {
            throw new ContractViolation(ContractViolation.Reason.MALFORMED,
                    "malformed JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ContractViolation(ContractViolation.Reason.MALFORMED, "unreadable payload: " + e.getMessage(), e);
        } catch (NumberFormatException e) {
            // Jackson reads numbers into BigDecimal (USE_BIG_DECIMAL_FOR_FLOATS) and refuses an exponent beyond an
            // int with this unchecked exception; unhandled, a consumer would take it for its database failing and
            // retry the message for ever (found by ContractCodecFuzzTest).
            throw new ContractViolation(ContractViolation.Reason.MALFORMED, "a number beyond what can be read", e);
        }
    }

    private static ContractViolation violation(Exception e) {
        String where = e instanceof JsonMappingException mapping ? path(mapping) : "";
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof FieldViolation field) {
                return new ContractViolation(field.reason(), where.isEmpty() ? field.getMessage()
                        : "at " + where + ": " + field.getMessage(), e);
            }
        }
        String detail = e instanceof JsonMappingException mapping ? mapping.getOriginalMessage() : e.getMessage();
        return new ContractViolation(ContractViolation.Reason.INVALID_VALUE,
                "invalid field '" + where + "': " + firstLine(detail), e);
    }

    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (path.length() > 0) {
                    path.append('.');
                }
                path.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
