package io.vitalwire.sims.bench;

import io.vitalwire.contract.Channel;
import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.contract.MeasurementType;
import io.vitalwire.contract.Reading;
import io.vitalwire.contract.ReadingBatch;
import io.vitalwire.contract.Source;
import io.vitalwire.contract.Topic;
import io.vitalwire.contract.Transport;
import io.vitalwire.gateway.normalize.DeviceMeasurement;
import io.vitalwire.gateway.normalize.MeasuredValue;
import io.vitalwire.gateway.normalize.NormalizationException;
import io.vitalwire.gateway.normalize.Normalizer;
import io.vitalwire.gateway.normalize.Quantity;
import io.vitalwire.sims.provision.FhirProvisioner;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.common.MqttException;

/**
 * Simulated homes streaming normal vitals — the load alerts must get through: each home a patient wearing a heart
 * rate strap (BLE 2A37) and a continuous pulse oximeter (BLE 2A5F: SpO2 and pulse rate), three readings a second,
 * published once a second by the home's gateway as one readings message, the homes spread evenly over the second.
 * Values stay inside every alert band, so the load raises no alert; they are continuous streams, so cloud-ingest
 * takes them the way it takes real ones (samples into one-minute windows, InfluxDB points, rules runs).
 *
 * <p>The homes' patients and devices are registered on the FHIR server by conditional creates under fixed names, so
 * that a later run finds them. The gateways share a few MQTT connections (a home has one each in reality): a
 * thread and a socket per home would load this machine more than the homes' traffic does.
 */
final class BackgroundHomes implements AutoCloseable {

    static final int READINGS_PER_HOME = 3;
    private static final int CONNECTIONS = 4;
    private static final int TICKS_PER_SECOND = 50;
    private static final String TENANT = "default";

    private final List<Home> homes;
    private final List<MqttAsyncClient> clients = new ArrayList<>();
    private final ContractCodec codec = new ContractCodec();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private volatile RuntimeException failure;
    private ScheduledFuture<?> streaming;
    private long tick;

    private record Home(String gatewayId, Normalizer normalizer, DeviceIdentity strap, DeviceIdentity oximeter) {
    }

    private BackgroundHomes(List<Home> homes) {
        this.homes = homes;
    }

    /** Enough homes for {@code readingsPerSecond}, registered on the FHIR server (8 at a time). */
    static BackgroundHomes provision(int readingsPerSecond, URI fhir) throws Exception {
        int count = (readingsPerSecond + READINGS_PER_HOME - 1) / READINGS_PER_HOME;
        FhirProvisioner provisioner = new FhirProvisioner(fhir);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Home>> registered = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int n = i;
            registered.add(pool.submit(() -> {
                String patient = provisioner.patient("bench-load-home-" + n, "Load" + n, "Bench");
                String strap = "BENCH-HR-" + n;
                String oximeter = "BENCH-PLX-" + n;
                provisioner.device(strap, "HR_STRAP", patient);
                provisioner.device(oximeter, "PULSE_OXIMETER", patient);
                String gatewayId = "gw-bench-home-" + n;
                return new Home(gatewayId, new Normalizer(gatewayId, ZoneOffset.UTC),
                        new DeviceIdentity(null, null, strap, null, null),
                        new DeviceIdentity(null, null, oximeter, null, null));
            }));
        }
        List<Home> homes = new ArrayList<>();
        try {
            for (Future<Home> f : registered) {
                homes.add(f.get());
            }
        } finally {
            pool.shutdown();
        }
        return new BackgroundHomes(homes);
    }

    int count() {
        return homes.size();
    }

    int readingsPerSecond() {
        return homes.size() * READINGS_PER_HOME;
    }

    /** Starts streaming: each home's message once a second. */
    void start(String brokerUrl, String run) throws MqttException {
        for (int c = 0; c < CONNECTIONS; c++) {
            clients.add(BenchMqtt.connect(brokerUrl, "bench-homes-" + run + "-" + c, (topic, message) -> { }));
        }
        streaming = ticker.scheduleAtFixedRate(this::tick, 0, 1_000 / TICKS_PER_SECOND, TimeUnit.MILLISECONDS);
    }

    /** Readings published so far; throws what stopped the load, if anything did. */
    long published() {
        if (failure != null) {
            throw new IllegalStateException("the background load stopped", failure);
        }
        return published.get();
    }

    /** Readings the client refused to publish (more in flight than the broker allows). */
    long refused() {
        return refused.get();
    }

    /**
     * The homes whose turn it is in this tick of the second, one message each. A failure is kept for
     * {@link #published()} to throw: an exception out of a scheduled task would silently end the load.
     */
    private void tick() {
        try {
            publishDue();
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        }
    }

    private void publishDue() {
        int slot = (int) (tick++ % TICKS_PER_SECOND);
        Instant now = Instant.now();
        for (int i = slot; i < homes.size(); i += TICKS_PER_SECOND) {
            Home home = homes.get(i);
            int seed = (int) (tick / TICKS_PER_SECOND + i);
            List<Reading> readings = List.of(
                    stream(home, home.strap(), "2A37", MeasurementType.HEART_RATE, Quantity.HEART_RATE, 62 + seed % 30,
                            "/min", now),
                    stream(home, home.oximeter(), "2A5F", MeasurementType.OXYGEN_SATURATION, Quantity.SPO2,
                            95 + seed % 5, "%", now),
                    stream(home, home.oximeter(), "2A5F", MeasurementType.PULSE_RATE, Quantity.PULSE_RATE_OXIMETER,
                            62 + seed % 30, "/min", now));
            byte[] payload = codec.encode(ReadingBatch.of(home.gatewayId(), now, readings));
            try {
                clients.get(i % CONNECTIONS).publish(Topic.of(TENANT, home.gatewayId(), Channel.READINGS).path(),
                        payload, 1, false);
                published.addAndGet(readings.size());
            } catch (MqttException e) {
                refused.addAndGet(readings.size());
            }
        }
    }

    private static Reading stream(Home home, DeviceIdentity device, String characteristic, MeasurementType type,
                                  Quantity quantity, int value, String unit, Instant receivedAt) {
        try {
            return home.normalizer().normalize(new DeviceMeasurement(device, type,
                    List.of(new MeasuredValue(quantity, BigDecimal.valueOf(value), unit)), null, null, null,
                    new Source(Transport.BLE, characteristic), List.of()), receivedAt);
        } catch (NormalizationException e) {
            throw new IllegalStateException("a background reading does not normalize", e);
        }
    }

    /** Stops streaming and disconnects, once what is in flight is acknowledged. */
    void stop() throws MqttException, InterruptedException {
        if (streaming != null) {
            streaming.cancel(false);
            streaming = null;
        }
        Thread.sleep(100);
        for (MqttAsyncClient client : clients) {
            client.disconnect(5_000).waitForCompletion(10_000);
            client.close();
        }
        clients.clear();
    }

    @Override
    public void close() throws MqttException, InterruptedException {
        stop();
        ticker.shutdownNow();
    }
}
