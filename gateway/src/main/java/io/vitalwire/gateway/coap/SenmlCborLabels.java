package io.vitalwire.gateway.coap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;

/**
 * SenML in CBOR names its fields with integers (RFC 8428 §6, Table 4): this renames them to the JSON labels so that
 * one reader resolves both. Unknown labels keep their number and are ignored, as unknown JSON labels are.
 */
final class SenmlCborLabels {

    private static final Map<String, String> LABELS = Map.ofEntries(
            Map.entry("-1", "bver"), Map.entry("-2", "bn"), Map.entry("-3", "bt"), Map.entry("-4", "bu"),
            Map.entry("-5", "bv"), Map.entry("-6", "bs"), Map.entry("0", "n"), Map.entry("1", "u"),
            Map.entry("2", "v"), Map.entry("3", "vs"), Map.entry("4", "vb"), Map.entry("5", "s"),
            Map.entry("6", "t"), Map.entry("7", "ut"), Map.entry("8", "vd"));

    private SenmlCborLabels() {
    }

    /**
     * A CBOR float is binary: 36.8 sent as a single-precision float is 36.79999923706055 when widened. The shortest
     * decimal that reads back as the same float is what the device meant, so that is the value kept.
     */
    private static JsonNode decimal(JsonNode value) throws SenmlException {
        if ((value.isFloat() || value.isDouble()) && !Double.isFinite(value.doubleValue())) {
            // CBOR can carry NaN and the infinities (JSON cannot); no measurement is either. BigDecimal refused them
            // with an unchecked exception that only the resource's catch-all for IllegalArgumentException turned into
            // a 4.00, with a message naming no field (found by SenmlPackFuzzTest).
            throw new SenmlException("a value is not a finite number (NaN or infinity)");
        }
        if (value.isFloat()) {
            return JsonNodeFactory.instance.numberNode(new BigDecimal(Float.toString(value.floatValue())));
        }
        if (value.isDouble()) {
            return JsonNodeFactory.instance.numberNode(new BigDecimal(Double.toString(value.doubleValue())));
        }
        return value;
    }

    static JsonNode toNames(JsonNode pack) throws SenmlException {
        if (!pack.isArray()) {
            return pack;
        }
        ArrayNode out = JsonNodeFactory.instance.arrayNode(pack.size());
        for (JsonNode record : pack) {
            if (!record.isObject()) {
                out.add(record);
                continue;
            }
            ObjectNode renamed = JsonNodeFactory.instance.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = record.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                renamed.set(LABELS.getOrDefault(field.getKey(), field.getKey()), decimal(field.getValue()));
            }
            out.add(renamed);
        }
        return out;
    }
}
