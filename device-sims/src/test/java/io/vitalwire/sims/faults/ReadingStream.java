package io.vitalwire.sims.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vitalwire.sims.coap.CoapHomeDevice;
import io.vitalwire.sims.coap.HomeDeviceCredential;
import io.vitalwire.sims.coap.HomeDeviceKind;
import io.vitalwire.testing.GatewayReadings;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.californium.core.coap.CoAP;

/**
 * Simulated thermometers measuring without pause, each posting to the gateway over CoAP/DTLS as firmware would: a
 * reading is retried until the gateway answers 2.04, and only then counts as accepted, the gateway's promise that it
 * is on disk. A gateway that was killed or restarted is reached again through a new DTLS handshake.
 */
final class ReadingStream implements AutoCloseable {

    /** A running gateway answers in milliseconds; a request that takes this long went to a dead one. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration RETRY_PAUSE = Duration.ofMillis(100);
    private static final String BODY_TEMPERATURE_MDC = "150364";

    private final String gatewayId;
    private final URI coap;
    private final List<HomeDeviceCredential> devices;
    /** Pause after each accepted reading; zero: flat out. */
    private final Duration pace;
    /** Readings are dated one second apart, backwards from here, so every key is distinct. */
    private final Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private final Set<String> accepted = ConcurrentHashMap.newKeySet();
    private final List<Thread> threads = new ArrayList<>();
    private final List<AtomicBoolean> idle = new ArrayList<>();
    private volatile boolean running = true;
    private volatile boolean paused;

    ReadingStream(String gatewayId, List<HomeDeviceCredential> devices, URI coap) {
        this(gatewayId, devices, coap, Duration.ZERO);
    }

    /**
     * Each device pausing {@code pace} after each accepted reading: its readings' times (one second apart, backwards)
     * then stay within minutes of the real time for a test's length, instead of going back hours.
     */
    ReadingStream(String gatewayId, List<HomeDeviceCredential> devices, URI coap, Duration pace) {
        this.gatewayId = gatewayId;
        this.devices = List.copyOf(devices);
        this.coap = coap;
        this.pace = pace;
    }

    /** {@code n} thermometers with serials {@code <prefix>-<i>}. */
    static List<HomeDeviceCredential> thermometers(String prefix, int n) {
        List<HomeDeviceCredential> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(HomeDeviceCredential.generate(HomeDeviceKind.THERMOMETER, prefix + "-" + i));
        }
        return list;
    }

    ReadingStream start() {
        for (HomeDeviceCredential device : devices) {
            AtomicBoolean deviceIdle = new AtomicBoolean();
            idle.add(deviceIdle);
            Thread thread = new Thread(() -> measure(device, deviceIdle), "stream-" + device.serial());
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        return this;
    }

    private void measure(HomeDeviceCredential credential, AtomicBoolean deviceIdle) {
        CoapHomeDevice device = null;
        int n = 0;
        while (running) {
            if (paused) {
                deviceIdle.set(true);
                sleep(Duration.ofMillis(20));
                continue;
            }
            deviceIdle.set(false);
            Instant at = start.minusSeconds(n);
            try {
                if (device == null) {
                    device = new CoapHomeDevice(credential.kind(), credential.serial(), credential.key(), coap,
                            REQUEST_TIMEOUT);
                }
                if (device.measure(at, n) == CoAP.ResponseCode.CHANGED) {
                    accepted.add(key(credential.serial(), at));
                    n++;
                    if (!pace.isZero()) {
                        sleep(pace);
                    }
                } else {
                    sleep(RETRY_PAUSE);
                }
            } catch (IOException gatewayAway) {
                device.close();
                device = null;
                sleep(RETRY_PAUSE);
            }
        }
        if (device != null) {
            device.close();
        }
    }

    private String key(String serial, Instant at) {
        return GatewayReadings.deviceTimeKey(gatewayId, serial, at, BODY_TEMPERATURE_MDC);
    }

    /** Every key the gateway has answered 2.04 for so far. */
    Set<String> accepted() {
        return Set.copyOf(accepted);
    }

    /** Waits until {@code more} readings beyond those accepted now were accepted: the stream flows. */
    void awaitAccepted(int more, Duration timeout) {
        int target = accepted.size() + more;
        await().atMost(timeout).pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertThat(accepted.size()).isGreaterThanOrEqualTo(target));
    }

    /** Stops measuring once each device's current reading is answered, so {@link #accepted()} is settled. */
    void pause() {
        paused = true;
        await().atMost(REQUEST_TIMEOUT.multipliedBy(3)).until(() -> idle.stream().allMatch(AtomicBoolean::get));
    }

    void resume() {
        paused = false;
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops every device after its current request; {@link #accepted()} is then final. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread thread : threads) {
            thread.join(REQUEST_TIMEOUT.multipliedBy(3).toMillis());
        }
    }
}
