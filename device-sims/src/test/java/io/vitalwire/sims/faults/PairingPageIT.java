package io.vitalwire.sims.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vitalwire.contract.ReadingKey;
import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.sims.bluez.DbusDaemon;
import io.vitalwire.sims.bluez.SimDeviceKind;
import io.vitalwire.sims.bluez.SimulatedBluez;
import io.vitalwire.sims.process.ServiceProcess;
import io.vitalwire.testing.MosquittoBroker;
import io.vitalwire.testing.PostgresSchema;
import io.vitalwire.testing.StackSettings;
import io.vitalwire.testing.TestPki;
import io.vitalwire.testing.TestTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * An installer sets up a hub's blood-pressure cuff from the hub's pairing page, in headless Chromium (Debian's
 * chromium and chromium-driver), as a person would (issue 16, point 3): a wrong installer code is refused with the
 * attempts left; the right one (from the label) unlocks the page; a scan finds the cuff and a thermometer over the
 * simulated BlueZ; the cuff is paired with the passkey printed on it and shown as paired, waiting for the clinic; the
 * operator sees the hub's {@code device-paired} event in cloud-ingest and assigns the cuff to the hub; the cloud's
 * allow-list reaches the hub, which shows the cuff as assigned, connects it and shows its first reading's time.
 * Everything runs as installed: the gateway and cloud-ingest jars, the deployed broker with mutual TLS. A screenshot
 * of each step goes to {@code target/pairing-page/}.
 */
class PairingPageIT {

    private static final StackSettings STACK = StackSettings.fromEnvironment();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final SimDeviceKind CUFF = SimDeviceKind.BLOOD_PRESSURE_CUFF;
    private static final SimDeviceKind NEARBY = SimDeviceKind.THERMOMETER;
    private static final int PASSKEY = 246813;
    private static final String CODE = "7KQ2M-XR4PD";
    private static final Duration STEP = Duration.ofSeconds(45);
    private static final Path SCREENSHOTS = Path.of("target", "pairing-page");

    @TempDir
    Path dir;

    @Test
    @Timeout(300)
    void anInstaller_pairsACuffFromThePage_andSeesItsFirstReading_onceTheClinicAssignsIt() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String id = "gw-pair-" + run;
        TestPki pki = TestPki.issue(dir.resolve("pki"), id, TestPki.INGEST);
        Path dataDir = Files.createDirectories(dir.resolve("gateway"));
        Files.writeString(dataDir.resolve("installer-code"), CODE + "\n"); // as provisioned for the label
        Files.createDirectories(SCREENSHOTS);
        Map<String, String> ingestProperties = new HashMap<>(Map.ofEntries(
                Map.entry("vitalwire.ingest.mqtt.ca-file", pki.ca().toString()),
                Map.entry("vitalwire.ingest.mqtt.cert-file", pki.cert(TestPki.INGEST).toString()),
                Map.entry("vitalwire.ingest.mqtt.key-file", pki.key(TestPki.INGEST).toString()),
                Map.entry("vitalwire.ingest.mqtt.client-id", "ingest-pair-" + run),
                Map.entry("vitalwire.ingest.mqtt.share-group", "pair-" + run),
                Map.entry("vitalwire.ingest.inbox.workers-enabled", "false"),
                Map.entry("vitalwire.ingest.fhir.url", STACK.fhirUrl()),
                Map.entry("vitalwire.ingest.influx.url", STACK.influxUrl()),
                Map.entry("vitalwire.ingest.influx.database", STACK.influxDb())));

        try (DbusDaemon daemon = DbusDaemon.start(dir.resolve("dbus"));
             SimulatedBluez bluez = SimulatedBluez.start(daemon.address(), ZoneId.of("Europe/Berlin"),
                     EnumSet.of(CUFF, NEARBY));
             PostgresSchema schema = PostgresSchema.create(STACK);
             MosquittoBroker broker = MosquittoBroker.deployed(pki, dir.resolve("broker"))) {
            bluez.requirePasskey(CUFF, PASSKEY);
            ingestProperties.put("vitalwire.ingest.mqtt.broker-url", broker.url());
            ingestProperties.putAll(schema.datasourceProperties());
            try (ServiceProcess ingest = ServiceProcess.start("pairing-ingest-" + run,
                         Path.of("..", "cloud-ingest", "target", "cloud-ingest.jar"),
                         TestTokens.shared().trustedBy(ingestProperties));
                 FaultGateway gateway = new FaultGateway(id, pki, broker.url(), dataDir, List.of(), Map.of(
                         "vitalwire.gateway.coap.enabled", "false",
                         "vitalwire.gateway.ble.enabled", "true",
                         "vitalwire.gateway.ble.bus-address", daemon.address(),
                         "vitalwire.gateway.ble.supervise-interval", "200ms",
                         "vitalwire.gateway.ble.reconnect-backoff-min", "200ms",
                         "vitalwire.gateway.ble.reconnect-backoff-max", "2s",
                         "vitalwire.gateway.installer.enabled", "true"))) {
                gateway.start();
                ingest.awaitHealth(200, Duration.ofSeconds(90));
                gateway.awaitConnected();
                // The clinic's side: the hub is the tenant's, its allow-list follows the device registry (empty yet).
                assertThat(put(ingest, "/admin/gateways/" + id + "/tenant", "{\"tenant\":\"" + TestPki.TENANT
                        + "\"}").statusCode()).isEqualTo(200);
                assertThat(put(ingest, "/admin/gateways/" + id + "/config", "{}").statusCode()).isEqualTo(200);

                WebDriver browser = chromium();
                try {
                    browser.get(gateway.url("/"));
                    await().atMost(STEP).until(() -> browser.findElement(By.id("unlock-view")).isDisplayed());
                    screenshot(browser, "01-locked");

                    // A wrong code: refused, with the attempts left.
                    type(browser.findElement(By.id("code")), "AAAAA-AAAAA");
                    browser.findElement(By.id("unlock")).click();
                    await().atMost(STEP).until(() -> browser.findElement(By.id("unlock-error")).getText()
                            .contains("4 attempts left"));
                    screenshot(browser, "02-wrong-code");

                    // The code from the label: the hub, connected to the cloud.
                    type(browser.findElement(By.id("code")), CODE.toLowerCase());
                    browser.findElement(By.id("unlock")).click();
                    await().atMost(STEP).until(() -> browser.findElement(By.id("hub-view")).isDisplayed()
                            && browser.findElement(By.id("hub-uplink")).getText().equals("connected"));
                    assertThat(browser.findElement(By.id("hub-id")).getText()).isEqualTo(id);
                    assertThat(browser.findElement(By.id("hub-ble")).getText()).isEqualTo("on");
                    screenshot(browser, "03-unlocked");

                    // Scan: both devices nearby, neither paired.
                    browser.findElement(By.id("scan")).click();
                    await().atMost(STEP).until(() -> row(browser, CUFF) != null && row(browser, NEARBY) != null);
                    assertThat(status(browser, CUFF)).isEqualTo("not-paired");
                    assertThat(row(browser, CUFF).findElement(By.className("kind")).getText())
                            .isEqualTo("blood-pressure");
                    assertThat(row(browser, NEARBY).findElement(By.className("kind")).getText())
                            .isEqualTo("thermometer");
                    screenshot(browser, "04-scanned");

                    // Pair the cuff with the passkey printed on it.
                    WebElement cuff = row(browser, CUFF);
                    type(cuff.findElement(By.className("passkey")), Integer.toString(PASSKEY));
                    cuff.findElement(By.className("pair")).click();
                    await().atMost(STEP).until(() -> "paired".equals(status(browser, CUFF)));
                    assertThat(bluez.paired(CUFF)).isTrue();
                    assertThat(bluez.passkeysEntered()).containsExactly((long) PASSKEY);
                    assertThat(bluez.paired(NEARBY)).isFalse();
                    // Paired is not served: the hub does not read a device the clinic has not assigned to it.
                    assertThat(bluez.listening(CUFF)).isFalse();
                    screenshot(browser, "05-paired-waiting-for-the-clinic");

                    // The operator sees which device was paired at the hub, and assigns it there.
                    String device = ReadingKey.deviceId(new DeviceIdentity(null, null, null, CUFF.address(), null));
                    await().atMost(STEP).untilAsserted(() -> assertThat(pairedDevices(ingest, id))
                            .containsExactly(device));
                    HttpResponse<String> installed = put(ingest, "/admin/devices/" + device + "/gateway",
                            "{\"tenant\":\"" + TestPki.TENANT + "\",\"gateway\":\"" + id + "\"}");
                    assertThat(installed.statusCode()).as(installed.body()).isEqualTo(200);

                    // The cloud's allow-list reaches the hub: assigned, connected, and its first reading shown.
                    await().atMost(STEP).untilAsserted(() -> {
                        assertThat(status(browser, CUFF)).as("the cuff's status on the page").isEqualTo("assigned");
                        assertThat(bluez.listening(CUFF)).as("the hub listens to the cuff").isTrue();
                    });
                    bluez.measure(CUFF);
                    await().atMost(STEP).until(() -> row(browser, CUFF).findElement(By.className("last-reading"))
                            .getText().endsWith("ago"));
                    assertThat(row(browser, CUFF).findElement(By.className("status")).getText())
                            .contains("Assigned to this hub");
                    // The page never shows a measured value.
                    assertThat(browser.findElement(By.tagName("body")).getText()).doesNotContainPattern(
                            "mmHg|/min|\\b1[0-9]{2}/[0-9]{2,3}\\b");
                    screenshot(browser, "06-assigned-first-reading");
                } catch (AssertionError | Exception e) {
                    screenshot(browser, "failed");
                    throw e;
                } finally {
                    browser.quit();
                }
            }
        }
    }

    private static WebDriver chromium() {
        System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, "/usr/bin/chromedriver");
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1100,900");
        return new ChromeDriver(options);
    }

    private static WebElement row(WebDriver browser, SimDeviceKind kind) {
        List<WebElement> rows = browser.findElements(By.cssSelector("tr[data-address='" + kind.address() + "']"));
        return rows.isEmpty() ? null : rows.get(0);
    }

    private static String status(WebDriver browser, SimDeviceKind kind) {
        WebElement row = row(browser, kind);
        return row == null ? null : row.getAttribute("data-status");
    }

    private static void type(WebElement input, String text) {
        input.clear();
        input.sendKeys(text);
    }

    private static void screenshot(WebDriver browser, String step) throws Exception {
        Files.write(SCREENSHOTS.resolve(step + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    /** The devices of the hub's device-paired events, as the operator reads them from cloud-ingest. */
    private static List<String> pairedDevices(ServiceProcess ingest, String gateway) throws Exception {
        HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create(ingest.url("/admin/gateways/"
                        + gateway + "/events?type=device-paired")))
                .header("Authorization", TestTokens.shared().bearer("aud-pair", "auditor")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        List<String> devices = new java.util.ArrayList<>();
        for (JsonNode event : JSON.readTree(page.body()).get("events")) {
            devices.add(event.get("attributes").get("device").asText());
        }
        return devices;
    }

    private static HttpResponse<String> put(ServiceProcess ingest, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(ingest.url(path)))
                .header("Content-Type", "application/json")
                .header("Authorization", TestTokens.shared().bearer("op-pair", "operator"))
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
