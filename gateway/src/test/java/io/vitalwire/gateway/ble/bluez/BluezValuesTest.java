package io.vitalwire.gateway.ble.bluez;

import static org.assertj.core.api.Assertions.assertThat;

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
    void allowList_addressesIgnoreCase_serialsExact() {
        AllowList allow = new AllowList(List.of(" c0:1d:00:00:00:01 ", "BPC-0002", ""));
        assertThat(allow.allowsAddress("C0:1D:00:00:00:01")).isTrue();
        assertThat(allow.allowsAddress("C0:1D:00:00:00:02")).isFalse();
        assertThat(allow.allowsSerial("BPC-0002")).isTrue();
        assertThat(allow.allowsSerial("bpc-0002")).isFalse();
        assertThat(allow.hasSerials()).isTrue();
        assertThat(new AllowList(List.of("")).isEmpty()).isTrue();
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
                true, false, false, List.of(0x1810)));

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
