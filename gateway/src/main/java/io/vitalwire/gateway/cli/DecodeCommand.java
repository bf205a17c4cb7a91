package io.vitalwire.gateway.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.vitalwire.gateway.ble.gatt.GattDecodeException;
import io.vitalwire.gateway.ble.gatt.HealthCharacteristic;
import io.vitalwire.gateway.ble.gatt.MedFloats;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;

/**
 * {@code gateway decode}: for operators debugging a device. Reads lines {@code <characteristic> <hex>} from standard
 * input and prints one JSON object per line: the decoded fields, or {@code {"error": "..."}}.
 *
 * <ul>
 *   <li>characteristic: a 16-bit UUID ({@code 2A35}, {@code 0x2a35}), a full Bluetooth base UUID, or the words
 *       {@code SFLOAT} / {@code FLOAT};</li>
 *   <li>hex: the value's octets in the order they travel over the air (little-endian fields), optionally with spaces,
 *       colons or dashes between octets and a leading {@code 0x}: {@code SFLOAT FF07} is NaN (0x07FF).</li>
 * </ul>
 * Empty lines and lines starting with {@code #} are skipped. Bad input never stops the command.
 */
public final class DecodeCommand {

    private static final String BASE_UUID_SUFFIX = "-0000-1000-8000-00805f9b34fb";

    private final ObjectMapper json = JsonMapper.builder()
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .serializationInclusion(JsonInclude.Include.ALWAYS)
            .build();

    /** @return 0: every line got an answer, errors included */
    public int run(InputStream in, PrintStream out) throws IOException {
        BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            out.println(decodeLine(trimmed));
            out.flush();
        }
        return 0;
    }

    /** One input line → one JSON object. */
    public String decodeLine(String line) {
        try {
            return write(decode(line));
        } catch (GattDecodeException | IllegalArgumentException e) {
            return write(Map.of("error", e.getMessage()));
        }
    }

    private Object decode(String line) throws GattDecodeException {
        String[] parts = line.split("\\s+", 2);
        String name = parts[0];
        byte[] value = hex(parts.length > 1 ? parts[1] : "");
        String upper = name.toUpperCase(Locale.ROOT);
        if (upper.equals("SFLOAT")) {
            requireLength("SFLOAT", value, 2);
            return MedFloats.describe(MedFloats.sfloat(value));
        }
        if (upper.equals("FLOAT")) {
            requireLength("FLOAT", value, 4);
            return MedFloats.describe(MedFloats.float32(value));
        }
        int uuid = uuid16(name);
        HealthCharacteristic characteristic = HealthCharacteristic.of(uuid).orElseThrow(() ->
                new IllegalArgumentException(String.format("characteristic %04X is not one this gateway decodes",
                        uuid)));
        return characteristic.decode(value);
    }

    private static int uuid16(String name) {
        String s = name.toLowerCase(Locale.ROOT);
        if (s.startsWith("0x")) {
            s = s.substring(2);
        } else if (s.length() == 36 && s.startsWith("0000") && s.endsWith(BASE_UUID_SUFFIX)) {
            s = s.substring(4, 8);
        }
        if (!s.matches("[0-9a-f]{4}")) {
            throw new IllegalArgumentException("'" + name + "' is neither a 16-bit characteristic UUID (e.g. 2A35) nor"
                    + " SFLOAT or FLOAT");
        }
        return Integer.parseInt(s, 16);
    }

    private static byte[] hex(String text) {
        String digits = text.replaceAll("[\\s:-]", "");
        if (digits.startsWith("0x") || digits.startsWith("0X")) {
            digits = digits.substring(2);
        }
        if (digits.length() % 2 != 0 || !digits.matches("[0-9A-Fa-f]*")) {
            throw new IllegalArgumentException("'" + text + "' is not a whole number of hex octets");
        }
        return HexFormat.of().parseHex(digits);
    }

    private static void requireLength(String type, byte[] value, int octets) {
        if (value.length != octets) {
            throw new IllegalArgumentException(type + " takes " + octets + " octets, got " + value.length);
        }
    }

    private String write(Object result) {
        try {
            return json.writeValueAsString(result);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
