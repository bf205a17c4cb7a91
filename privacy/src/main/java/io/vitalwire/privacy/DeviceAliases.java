package io.vitalwire.privacy;

import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.contract.ReadingKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a service's logs name a device: {@code dev-} and 8 hex digits of an HMAC-SHA256 of the device's identifier
 * under the service's own secret key, e.g. {@code dev-3f9a1c2b}. Serials, BLE addresses (also inside BlueZ object
 * paths and reading keys) and PSK identities are identifiers under HIPAA and stay out of the logs; the alias is the
 * same in every line and across restarts, so an operator can still follow a device, and without the key it cannot be
 * turned back into the identifier (a BLE address has few enough values to be guessed through an unkeyed hash).
 *
 * <p>A device is aliased by one identifier, so that all its lines agree: a BLE device by its address (the only name
 * it has before it is set up), a CoAP device by its serial. The derivation is shared by the gateway and cloud-ingest
 * (each with its own key, as neither should hold the other's secrets): each service's {@code alias <device>} command
 * prints the alias its own logs use.
 *
 * <p>The key is 32 random bytes in a {@linkplain SecretFile secret file} of the service's (generated on first start,
 * mode 0600; a file that group or others may read is refused). It is a key of its own, not derived from a key that
 * decrypts data: whoever looks aliases up needs no key that decrypts readings, and a data key may be rotated while
 * aliases must not change, or older logs would name devices nobody can look up. Losing the file only changes every
 * alias.
 */
public final class DeviceAliases {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceAliases.class);
    private static final int KEY_LENGTH = 32;
    private static final String ALGORITHM = "HmacSHA256";
    private static final HexFormat HEX = HexFormat.of();
    /**
     * A BLE address however it is written: {@code AA:BB:…}, {@code aa-bb-…}, {@code AA_BB_…} (in a BlueZ object
     * path, with its {@code dev_}) or {@code AA~3ABB~3A…} (escaped in a reading key), in either case.
     */
    private static final String ADDRESS_FORM = "(?:dev_)?([0-9a-f]{2})(:|-|_|~3a)([0-9a-f]{2})\\2([0-9a-f]{2})\\2"
            + "([0-9a-f]{2})\\2([0-9a-f]{2})\\2([0-9a-f]{2})";
    private static final Pattern ADDRESS = Pattern.compile("(?i)(?<![0-9a-f])" + ADDRESS_FORM + "(?![0-9a-f])");
    private static final Pattern WHOLE_ADDRESS = Pattern.compile("(?i)" + ADDRESS_FORM);
    /**
     * A device id as reading keys, events and the cloud write it ({@code sn.} or {@code bd.} and the escaped serial
     * or address; a user index {@code .uN} after it is kept), not inside a longer word.
     */
    private static final Pattern DEVICE_ID = Pattern.compile(
            "(?<![A-Za-z0-9._~-])(?:sn|bd)\\.(?:[A-Za-z0-9-]|~[0-9A-F]{2})+");

    private final SecretKeySpec key;

    private DeviceAliases(byte[] key) {
        if (key.length != KEY_LENGTH) {
            throw new IllegalStateException("the device alias key is " + key.length + " bytes; it must be the "
                    + "base64 of exactly " + KEY_LENGTH + " random bytes");
        }
        this.key = new SecretKeySpec(key, ALGORITHM);
    }

    /** The aliases under the key in {@code keyFile}, which is generated (mode 0600) if it does not exist. */
    public static DeviceAliases load(Path keyFile) {
        if (Files.notExists(keyFile)) {
            byte[] fresh = new byte[KEY_LENGTH];
            new SecureRandom().nextBytes(fresh);
            if (SecretFile.createUnlessExists(keyFile, Base64.getEncoder().encodeToString(fresh) + "\n")) {
                LOG.info("generated the key that names devices in the logs (dev-…) in {}; the `alias <device>` "
                        + "command looks a device's alias up with it", keyFile);
            }
        }
        return new DeviceAliases(read(keyFile));
    }

    /**
     * The aliases under the key in {@code keyFile}, for looking aliases up: never creates a key, as a key the service
     * does not use would give aliases that appear in none of its logs.
     *
     * @param where says where the service keeps it, for the error when it is missing
     * @throws IllegalStateException when there is no key there (yet)
     */
    public static DeviceAliases existing(Path keyFile, String where) {
        if (Files.notExists(keyFile)) {
            throw new IllegalStateException(keyFile + " does not exist: the service creates it when it first "
                    + "starts (" + where + ")");
        }
        return new DeviceAliases(read(keyFile));
    }

    /** The alias of a device: by its address when it has one (a BLE device), else by its serial. */
    public String of(DeviceIdentity device) {
        return device.address() != null ? ofAddress(device.address()) : ofSerial(device.serial());
    }

    /** The alias of the device with this serial, as a CoAP device is named (a BLE device goes by its address). */
    public String ofSerial(String serial) {
        return alias("sn." + serial);
    }

    /**
     * The alias of a device an operator names: a BLE address in any of its forms, a device id as reading keys, events
     * and the cloud write it ({@code bd.…}, {@code sn.…}), or else a serial.
     */
    public String of(String identifier) {
        if (WHOLE_ADDRESS.matcher(identifier).matches()) {
            return ofAddress(identifier);
        }
        if (identifier.startsWith("sn.") || identifier.startsWith("bd.")) {
            try {
                return of(ReadingKey.device(identifier));
            } catch (IllegalArgumentException notADeviceId) {
                // A serial that happens to start like one.
            }
        }
        return ofSerial(identifier);
    }

    /**
     * {@code text} (an exception's message, a diagnostic) with every BLE address and every device id ({@code sn.…},
     * {@code bd.…}, also inside reading keys) in it, and the serial of each of the {@code named} devices, replaced by
     * the device's alias. Null stays null.
     */
    public String scrub(String text, DeviceIdentity... named) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (DeviceIdentity device : named) {
            String alias = of(device);
            out = out.replace(ReadingKey.deviceId(device), alias);
            if (device.serial() != null) {
                out = out.replace(device.serial(), alias);
            }
        }
        out = DEVICE_ID.matcher(out).replaceAll(r -> Matcher.quoteReplacement(deviceIdAlias(r.group())));
        Matcher m = ADDRESS.matcher(out);
        return m.replaceAll(r -> ofAddress(r.group()));
    }

    /**
     * A stand-in for {@code failure} to log with its stack trace: the same trace, its messages and its causes'
     * {@linkplain #scrub(String, DeviceIdentity...) scrubbed} of BLE addresses.
     */
    public Throwable scrub(Throwable failure) {
        if (failure == null) {
            return null;
        }
        Redacted redacted = new Redacted(failure.getClass().getName() + ": " + scrub(failure.getMessage()),
                scrub(failure.getCause()));
        redacted.setStackTrace(failure.getStackTrace());
        return redacted;
    }

    /** A device id's alias, or the id as it was if it is none (an {@code sn.} that only looked like one). */
    private String deviceIdAlias(String deviceId) {
        try {
            return of(ReadingKey.device(deviceId));
        } catch (IllegalArgumentException notADeviceId) {
            return deviceId;
        }
    }

    private String ofAddress(String address) {
        Matcher m = WHOLE_ADDRESS.matcher(address);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a BLE address");
        }
        StringBuilder canonical = new StringBuilder("bd.");
        for (int group = 1; group <= 7; group++) {
            if (group == 2) {
                continue; // the separator
            }
            canonical.append(canonical.length() > 3 ? ":" : "").append(m.group(group).toUpperCase(Locale.ROOT));
        }
        return alias(canonical.toString());
    }

    private String alias(String canonical) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            byte[] digest = mac.doFinal(canonical.getBytes(StandardCharsets.UTF_8));
            return "dev-" + HEX.formatHex(digest, 0, 4);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is not available", e);
        }
    }

    @Override
    public String toString() {
        return "DeviceAliases[key not shown]";
    }

    private static byte[] read(Path file) {
        try {
            return Base64.getDecoder().decode(SecretFile.readText("the device alias key file", file));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the device alias key in " + file + " is not base64");
        }
    }

    /** What {@link #scrub(Throwable)} logs in place of a failure: its class, scrubbed message and trace. */
    private static final class Redacted extends RuntimeException {
        Redacted(String message, Throwable cause) {
            super(message, cause, false, true);
        }
    }
}
