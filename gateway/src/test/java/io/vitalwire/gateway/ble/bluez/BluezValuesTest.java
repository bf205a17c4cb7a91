package io.vitalwire.gateway.ble.bluez;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.types.Variant;
import org.junit.jupiter.api.Test;

/** The small pure parts of the BlueZ client: UUIDs, allow-list, Device Information text, clock offset, RACP, maps. */
class BluezValuesTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @Test
    void uuid16_onTheBluetoothBaseOnly() {
        assertThat(GattUuids.uuid16("00002a35-0000-1000-8000-00805f9b34fb")).isEqualTo(0x2A35);
        assertThat(GattUuids.uuid16("00002A35-0000-1000-8000-00805F9B34FB")).isEqualTo(0x2A35);
        assertThat(GattUuids.uuid16("6e400001-b5a3-f393-e0a9-e50e24dcca9e")).isEqualTo(-1);
        assertThat(GattUuids.uuid16("garbage")).isEqualTo(-1);
        assertThat(GattUuids.uuid128(0x180D)).isEqualTo("0000180d-0000-1000-8000-00805f9b34fb");
    }

    @Test
    void allowList_entriesByAddress_ignoringCase_withTheirAttributes() {
        AllowList allow = new AllowList(List.of(" c0:1d:00:00:00:01 ", "C0:1D:00:00:00:02  passkey=000123 serial=BPC-0002",
                "C0:1D:00:00:00:04 just-works", ""));
        assertThat(allow.entryFor("C0:1D:00:00:00:01")).hasValueSatisfying(e -> {
            assertThat(e.address()).isEqualTo("C0:1D:00:00:00:01");
            assertThat(e.bonding()).isEqualTo(new Bonding.None());
            assertThat(e.serial()).isNull();
        });
        assertThat(allow.entryFor("c0:1d:00:00:00:02")).hasValueSatisfying(e -> {
            assertThat(e.bonding()).isEqualTo(new Bonding.Passkey(123));
            assertThat(e.serial()).isEqualTo("BPC-0002");
        });
        assertThat(allow.entryFor("C0:1D:00:00:00:04").orElseThrow().bonding()).isEqualTo(new Bonding.JustWorks());
        assertThat(allow.entryFor("C0:1D:00:00:00:03")).isEmpty();
        assertThat(allow.anyPasskey()).isTrue();
        assertThat(new AllowList(List.of("")).isEmpty()).isTrue();
        assertThat(new Bonding.Passkey(123456).toString()).doesNotContain("123456");
    }

    @Test
    void allowList_refusesSerialsAlone_andMalformedAttributes_namingTheEntryByPositionOnly() {
        for (List<String> bad : List.of(List.of("BPC-0002"), List.of("C0:1D:00:00:00:01", "SECRET-SERIAL"),
                List.of("C0:1D:00:00:00:01 passkey=1234567"), List.of("C0:1D:00:00:00:01 passkey=12 just-works"),
                List.of("C0:1D:00:00:00:01 irk=abc"), List.of("C0:1D:00:00:00:01 pin=1"),
                List.of("C0:1D:00:00:00:01", "c0:1d:00:00:00:01"))) {
            assertThatThrownBy(() -> new AllowList(bad)).as(bad.toString())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("vitalwire.gateway.ble.allow-list entry " + bad.size() + " ")
                    .hasMessageNotContaining("SECRET-SERIAL");
        }
    }

    @Test
    void identityResolvingKey_resolvesItsPrivateAddresses_bySpecSampleData() {
        // Bluetooth Core, Vol 3 Part H, Appendix D (ah): IRK ec0234a3 57c8ad05 341010a6 0a397d9b, prand 708194
        // → hash 0dfbaa.
        IdentityResolvingKey irk = IdentityResolvingKey.parse("ec0234a357c8ad05341010a60a397d9b");
        assertThat(irk.ah(new byte[] {0x70, (byte) 0x81, (byte) 0x94})).containsExactly(0x0d, 0xfb, 0xaa);
        assertThat(irk.resolves("70:81:94:0D:FB:AA")).isTrue();
        assertThat(irk.resolves("70:81:94:0d:fb:aa")).isTrue();
        assertThat(irk.resolves("70:81:94:0D:FB:AB")).as("another hash").isFalse();
        assertThat(irk.resolves("30:81:94:0D:FB:AA")).as("not a resolvable private address").isFalse();
        assertThat(IdentityResolvingKey.parse("00000000000000000000000000000001").resolves("70:81:94:0D:FB:AA"))
                .as("another key").isFalse();

        AllowList allow = new AllowList(List.of("C0:1D:00:00:00:08 irk=ec0234a357c8ad05341010a60a397d9b"));
        assertThat(allow.entryFor("70:81:94:0D:FB:AA").orElseThrow().address()).isEqualTo("C0:1D:00:00:00:08");
        assertThat(allow.entryFor("70:81:94:0D:FB:AB")).isEmpty();
    }

    @Test
    void deviceText_dropsNulPaddingAndControlCharacters() {
        assertThat(DeviceText.of("SN-1\0\0\0".getBytes(StandardCharsets.UTF_8))).isEqualTo("SN-1");
        assertThat(DeviceText.of(" Acme\r\n".getBytes(StandardCharsets.UTF_8))).isEqualTo("Acme");
        assertThat(DeviceText.of(new byte[] {0, 0})).isNull();
        assertThat(DeviceText.of("x".repeat(80).getBytes(StandardCharsets.UTF_8))).hasSize(64);
    }

    @Test
    void clockOffset_deviceLocalTimeInItsZone_againstTheMidpointOfTheRead() {
        // 2026-03-01 09:01:30 and 128/256 s in Berlin (UTC+1) = 08:01:30.500Z
        byte[] currentTime = {(byte) 0xEA, 0x07, 3, 1, 9, 1, 30, 7, (byte) 128, 0};
        Instant sent = Instant.parse("2026-03-01T08:00:00.000Z");
        Instant received = Instant.parse("2026-03-01T08:00:01.000Z");
        assertThat(DeviceClock.offsetMillis(currentTime, BERLIN, sent, received)).contains(90_000L);
    }

    @Test
    void clockOffset_unsetOrShortClock_isUnknown() {
        Instant now = Instant.now();
        assertThat(DeviceClock.offsetMillis(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, BERLIN, now, now)).isEmpty();
        assertThat(DeviceClock.offsetMillis(new byte[] {(byte) 0xEA, 0x07, 13, 1, 0, 0, 0, 0, 0, 0}, BERLIN, now,
                now)).isEmpty();
        assertThat(DeviceClock.offsetMillis(new byte[] {1, 2, 3}, BERLIN, now, now)).isEmpty();
    }

    @Test
    void racpRequest_recordsAfterTheLastBufferedOne_orAll() {
        assertThat(DeviceSetup.storedRecordsRequest(null)).containsExactly(0x01, 0x01);
        assertThat(DeviceSetup.storedRecordsRequest(0x0102L)).containsExactly(0x01, 0x03, 0x01, 0x03, 0x01);
        assertThat(DeviceSetup.storedRecordsRequest(0xFFFFL)).containsExactly(0x01, 0x01);
    }

    @Test
    void properties_deviceAndCharacteristic_fromBluezMaps() {
        String device = "/org/bluez/hci0/dev_C0_1D_00_00_00_02";
        List<BluezObject> objects = BluezProperties.toObjects(device, Map.of("org.bluez.Device1", Map.of(
                "Address", new Variant<>("C0:1D:00:00:00:02"),
                "Adapter", new Variant<>(new DBusPath("/org/bluez/hci0")),
                "Connected", new Variant<>(true),
                "UUIDs", new Variant<>(new String[] {"00001810-0000-1000-8000-00805f9b34fb"}, "as"))));
        assertThat(objects).containsExactly(new BluezObject.Device(device, "/org/bluez/hci0", "C0:1D:00:00:00:02",
                true, false, false, List.of(0x1810), null));

        String ch = device + "/service0010/char0011";
        assertThat(BluezProperties.toObjects(ch, Map.of("org.bluez.GattCharacteristic1", Map.of(
                "UUID", new Variant<>("00002a35-0000-1000-8000-00805f9b34fb"),
                "Flags", new Variant<>(new String[] {"indicate"}, "as")))))
                .containsExactly(new BluezObject.Characteristic(ch, device, 0x2A35, true));
        String battery = device + "/service0020/char0021";
        assertThat(BluezProperties.toObjects(battery, Map.of("org.bluez.GattCharacteristic1", Map.of(
                "UUID", new Variant<>("00002a19-0000-1000-8000-00805f9b34fb"),
                "Flags", new Variant<>(List.of("read"), "as")))))
                .containsExactly(new BluezObject.Characteristic(battery, device, 0x2A19, false));
        assertThat(BluezProperties.devicePathOf(ch)).isEqualTo(device);
        assertThat(BluezProperties.isBluezPath("/org/freedesktop/NetworkManager")).isFalse();
    }

    @Test
    void bytes_fromArraysAndListsAlike() {
        assertThat(BluezProperties.bytes(new byte[] {1, 2})).containsExactly(1, 2);
        assertThat(BluezProperties.bytes(List.of((byte) 1, (byte) -1))).containsExactly(1, 0xFF);
        assertThat(BluezProperties.toChange("/org/bluez/hci0/dev_X/service1/char2", "org.bluez.GattCharacteristic1",
                Map.of("Value", new Variant<>(new byte[] {7}, "ay"))))
                .hasValueSatisfying(e -> assertThat(((BluezEvent.ValueChanged) e).value()).containsExactly(7));
        assertThat(BluezProperties.toChange("/org/bluez/hci0/dev_X", "org.bluez.Device1",
                Map.of("RSSI", new Variant<>((short) -60)))).isEmpty();
    }
}
