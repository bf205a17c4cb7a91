package io.vitalwire.sims.ble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vitalwire.sims.bluez.DbusDaemon;
import io.vitalwire.sims.bluez.SimDeviceKind;
import io.vitalwire.sims.bluez.SimulatedBluez;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bluez.Adapter1;
import org.bluez.Device1;
import org.bluez.GattCharacteristic1;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.interfaces.ObjectManager;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.types.Variant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulated pulse oximeter's Record Access Control Point as a plain D-Bus client sees it: the Pulse Oximeter
 * Service's "all records" operator for Report Stored Records, Delete Stored Records and Report Number of Stored
 * Records, Abort Operation, the response codes for what the service does not support, and stored PLX Spot-Check
 * records indicated byte for byte with measurement status bit 9 ("data from measurement storage").
 */
class SimulatedOximeterRacpTest {

    private static final String DEVICE = "/org/bluez/hci0/dev_C0_1D_00_00_00_06";

    @TempDir
    Path dir;
    private DbusDaemon daemon;
    private SimulatedBluez bluez;
    private DBusConnection client;
    private final List<String> indications = new CopyOnWriteArrayList<>();
    private String spotCheck;
    private GattCharacteristic1 racp;

    @BeforeEach
    void start() throws Exception {
        daemon = DbusDaemon.start(dir);
        bluez = SimulatedBluez.start(daemon.address(), ZoneOffset.UTC, List.of(SimDeviceKind.PULSE_OXIMETER));
        client = DBusConnectionBuilder.forAddress(daemon.address()).withShared(false).build();
    }

    @AfterEach
    void stop() throws Exception {
        client.disconnect();
        bluez.close();
        daemon.close();
    }

    private void connect() throws Exception {
        List<String> added = new CopyOnWriteArrayList<>();
        client.addSigHandler(ObjectManager.InterfacesAdded.class, s -> added.add(s.getSignalSource().getPath()));
        client.addSigHandler(Properties.PropertiesChanged.class, s -> {
            Variant<?> v = s.getPropertiesChanged().get("Value");
            if (v != null) {
                String source = s.getPath().equals(spotCheck) ? "2A5E " : "2A52 ";
                indications.add(source + hex(bytes(v.getValue())));
            }
        });
        client.getRemoteObject("org.bluez", "/org/bluez/hci0", Adapter1.class).StartDiscovery();
        await().atMost(Duration.ofSeconds(5)).until(() -> added.contains(DEVICE));
        client.getRemoteObject("org.bluez", DEVICE, Device1.class).Connect();
        Properties device = client.getRemoteObject("org.bluez", DEVICE, Properties.class);
        await().atMost(Duration.ofSeconds(5)).until(() ->
                Boolean.TRUE.equals(unwrap(device.Get("org.bluez.Device1", "ServicesResolved"))));
        Map<DBusPath, Map<String, Map<String, Variant<?>>>> tree =
                client.getRemoteObject("org.bluez", "/", ObjectManager.class).GetManagedObjects();
        spotCheck = characteristic(tree, "00002a5e");
        String racpPath = characteristic(tree, "00002a52");
        client.getRemoteObject("org.bluez", spotCheck, GattCharacteristic1.class).StartNotify();
        racp = client.getRemoteObject("org.bluez", racpPath, GattCharacteristic1.class);
        racp.StartNotify();
    }

    /** Writes a RACP request and waits until {@code expected} more indications came. */
    private List<String> request(int expected, int... octets) throws Exception {
        byte[] value = new byte[octets.length];
        for (int i = 0; i < octets.length; i++) {
            value[i] = (byte) octets[i];
        }
        int before = indications.size();
        racp.WriteValue(value, Map.of());
        await().atMost(Duration.ofSeconds(5)).until(() -> indications.size() >= before + expected);
        return new ArrayList<>(indications.subList(before, indications.size()));
    }

    @Test
    void storedSpotChecks_reportedWithTheStorageBit_countedAndDeletedWithTheAllRecordsOperator() throws Exception {
        bluez.measure(SimDeviceKind.PULSE_OXIMETER); // nobody listens: both kept in the measurement storage
        bluez.measure(SimDeviceKind.PULSE_OXIMETER);
        connect();
        assertThat(indications).isEmpty(); // stored records come only when asked for

        assertThat(request(1, 0x04, 0x01)).containsExactly("2A52 05 00 02 00");
        // Flags 0x03 (timestamp, measurement status), SpO2 97 and 96 %, pulse 70 and 71 /min as SFLOAT,
        // 2026-03-01 08:00 and 08:01, status 0x0200: data from measurement storage. Then Response Code: success.
        assertThat(request(3, 0x01, 0x01)).containsExactly(
                "2A5E 03 61 00 46 00 EA 07 03 01 08 00 00 00 02",
                "2A5E 03 60 00 47 00 EA 07 03 01 08 01 00 00 02",
                "2A52 06 00 01 01");
        assertThat(bluez.storedRecords(SimDeviceKind.PULSE_OXIMETER)).hasSize(2); // reported, not deleted

        assertThat(request(1, 0x02, 0x01)).containsExactly("2A52 06 00 02 01");
        assertThat(bluez.storedRecords(SimDeviceKind.PULSE_OXIMETER)).isEmpty();
        assertThat(request(1, 0x04, 0x01)).containsExactly("2A52 05 00 00 00");
        assertThat(request(1, 0x01, 0x01)).containsExactly("2A52 06 00 01 06"); // no records found

        // Live while someone listens (SpO2 95, pulse 72, 08:02): no status field, and not stored.
        bluez.measure(SimDeviceKind.PULSE_OXIMETER);
        await().atMost(Duration.ofSeconds(5)).until(() -> indications.stream().anyMatch(i ->
                i.equals("2A5E 01 5F 00 48 00 EA 07 03 01 08 02 00")));
        assertThat(bluez.storedRecords(SimDeviceKind.PULSE_OXIMETER)).isEmpty();
    }

    @Test
    void whatThePulseOximeterServiceDoesNotSupport_isAnsweredWithItsResponseCode() throws Exception {
        bluez.measure(SimDeviceKind.PULSE_OXIMETER);
        connect();

        assertThat(request(1, 0x01, 0x03, 0x01, 0x01, 0x00)).containsExactly("2A52 06 00 01 04"); // >= operator
        assertThat(request(1, 0x02, 0x06)).containsExactly("2A52 06 00 02 04"); // last record
        assertThat(request(1, 0x01, 0x00)).containsExactly("2A52 06 00 01 03"); // Null operator: invalid
        assertThat(request(1, 0x01, 0x01, 0x07)).containsExactly("2A52 06 00 01 05"); // operand with "all"
        assertThat(request(1, 0x07, 0x01)).containsExactly("2A52 06 00 07 02"); // op code not supported
        assertThat(request(1, 0x03, 0x00)).containsExactly("2A52 06 00 03 01"); // abort: nothing in progress
        assertThat(bluez.storedRecords(SimDeviceKind.PULSE_OXIMETER)).hasSize(1); // none of that deleted it
        assertThat(bluez.racpRequests(SimDeviceKind.PULSE_OXIMETER)).hasSize(6);
        assertThat(bluez.racpRequests()).isEmpty(); // the glucose meter's list stays the glucose meter's
    }

    private static String characteristic(Map<DBusPath, Map<String, Map<String, Variant<?>>>> tree, String prefix) {
        List<String> found = new ArrayList<>();
        tree.forEach((path, interfaces) -> {
            Map<String, Variant<?>> c = interfaces.get("org.bluez.GattCharacteristic1");
            if (c != null && String.valueOf(c.get("UUID").getValue()).startsWith(prefix)) {
                found.add(path.getPath());
            }
        });
        assertThat(found).hasSize(1);
        return found.get(0);
    }

    private static String hex(byte[] value) {
        StringBuilder sb = new StringBuilder();
        for (byte b : value) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(String.format("%02X", b & 0xFF));
        }
        return sb.toString();
    }

    private static Object unwrap(Object o) {
        return o instanceof Variant<?> v ? v.getValue() : o;
    }

    private static byte[] bytes(Object o) {
        if (o instanceof byte[] b) {
            return b;
        }
        List<?> list = (List<?>) o;
        byte[] out = new byte[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) list.get(i)).byteValue();
        }
        return out;
    }
}
