package io.vitalwire.sims.ble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vitalwire.sims.bluez.DbusDaemon;
import io.vitalwire.sims.bluez.SimDeviceKind;
import io.vitalwire.sims.bluez.SimulatedBluez;
import java.nio.charset.StandardCharsets;
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
 * The simulated BlueZ as a plain D-Bus client sees it on a real dbus-daemon: the org.bluez tree, discovery,
 * connect with service resolution, Device Information reads and a byte-exact notification.
 */
class SimulatedBluezTest {

    private static final String DEVICE = "/org/bluez/hci0/dev_C0_1D_00_00_00_03";

    @TempDir
    Path dir;
    private DbusDaemon daemon;
    private SimulatedBluez bluez;
    private DBusConnection client;

    @BeforeEach
    void start() throws Exception {
        daemon = DbusDaemon.start(dir);
        bluez = SimulatedBluez.start(daemon.address(), ZoneOffset.UTC, List.of(SimDeviceKind.THERMOMETER));
        client = DBusConnectionBuilder.forAddress(daemon.address()).withShared(false).build();
    }

    @AfterEach
    void stop() throws Exception {
        client.disconnect();
        bluez.close();
        daemon.close();
    }

    @Test
    void thermometer_isDiscoveredConnectedReadAndNotifies() throws Exception {
        List<String> added = new CopyOnWriteArrayList<>();
        List<byte[]> values = new CopyOnWriteArrayList<>();
        client.addSigHandler(ObjectManager.InterfacesAdded.class, s -> added.add(s.getSignalSource().getPath()));
        client.addSigHandler(Properties.PropertiesChanged.class, s -> {
            Variant<?> v = s.getPropertiesChanged().get("Value");
            if (v != null) {
                values.add(bytes(v.getValue()));
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
        String serial = characteristic(tree, "00002a25");
        String temperature = characteristic(tree, "00002a1c");
        byte[] serialValue = client.getRemoteObject("org.bluez", serial, GattCharacteristic1.class)
                .ReadValue(Map.of());
        assertThat(new String(serialValue, StandardCharsets.UTF_8)).startsWith("THM-0003");

        client.getRemoteObject("org.bluez", temperature, GattCharacteristic1.class).StartNotify();
        bluez.measure(SimDeviceKind.THERMOMETER);

        // Flags 0x06 (Celsius, time stamp, type), FLOAT 36.5 (mantissa 365, exponent -1), 2026-03-01 08:00:00, body.
        await().atMost(Duration.ofSeconds(5)).until(() -> !values.isEmpty());
        assertThat(values.get(0)).containsExactly(0x06, 0x6D, 0x01, 0x00, 0xFF, 0xEA, 0x07, 0x03, 0x01, 0x08,
                0x00, 0x00, 0x02);
        assertThat(bluez.sent()).hasSize(1);
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
