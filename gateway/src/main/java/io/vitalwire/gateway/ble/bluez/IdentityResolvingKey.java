package io.vitalwire.gateway.ble.bluez;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * A device's Identity Resolving Key (IRK), which tells its resolvable private addresses (RPAs) from anyone else's
 * (Bluetooth Core, Vol 3 Part C 10.8.2.3 and Part H 2.2.2): an RPA is {@code prand || hash}, 24 bits each, most
 * significant first as an address is written, the top two bits of {@code prand} {@code 01}, and
 * {@code hash = ah(IRK, prand)}, the low 24 bits of AES-128 under the IRK of {@code prand} padded with zeros to 128
 * bits. BlueZ resolves the RPAs of a device it has bonded with itself (with the IRK it learnt at bonding) and
 * presents the device under its identity address; this key lets the gateway recognise an allow-listed device that
 * advertises under RPAs before BlueZ has bonded with it.
 */
final class IdentityResolvingKey {

    private static final Pattern HEX_128 = Pattern.compile("[0-9A-Fa-f]{32}");

    private final SecretKeySpec key;

    private IdentityResolvingKey(byte[] irk) {
        this.key = new SecretKeySpec(irk, "AES");
    }

    /** @param hex 32 hex digits, the most significant octet first (as the Core specification writes keys) */
    static IdentityResolvingKey parse(String hex) {
        if (!HEX_128.matcher(hex).matches()) {
            throw new IllegalArgumentException("an IRK is 32 hex digits (128 bits)");
        }
        return new IdentityResolvingKey(HexFormat.of().parseHex(hex));
    }

    /** Whether {@code address} ({@code AA:BB:CC:DD:EE:FF}) is a resolvable private address made with this key. */
    boolean resolves(String address) {
        byte[] octets = octets(address);
        if (octets == null || (octets[0] & 0xC0) != 0x40) {
            return false;
        }
        byte[] hash = ah(Arrays.copyOfRange(octets, 0, 3));
        return Arrays.equals(hash, Arrays.copyOfRange(octets, 3, 6));
    }

    /** The random address hash function ah: the low 24 bits of e(IRK, padding || prand). */
    byte[] ah(byte[] prand) {
        byte[] block = new byte[16];
        System.arraycopy(prand, 0, block, 13, 3);
        try {
            Cipher aes = Cipher.getInstance("AES/ECB/NoPadding");
            aes.init(Cipher.ENCRYPT_MODE, key);
            return Arrays.copyOfRange(aes.doFinal(block), 13, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-128 is part of every Java runtime", e);
        }
    }

    private static byte[] octets(String address) {
        if (address == null || !AllowList.isAddress(address)) {
            return null;
        }
        return HexFormat.of().parseHex(address.replace(":", ""));
    }

    @Override
    public String toString() {
        return "IdentityResolvingKey[****]"; // a secret: never in a log line
    }

    /** Equal keys make equal allow-list entries: a configuration that keeps an entry keeps its link. */
    @Override
    public boolean equals(Object other) {
        return other instanceof IdentityResolvingKey irk
                && java.security.MessageDigest.isEqual(key.getEncoded(), irk.key.getEncoded());
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(key.getEncoded());
    }
}
