package io.vitalwire.sims.fleet;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A fleet scenario file ({@code device-sims/scenarios/fleet.yaml}, whose comments document each key): how many hubs,
 * which devices each carries and how often they measure, the share of hubs with a 1 Hz wearable, how fast the spot
 * devices' day runs, and the share of readings that cross an alert threshold.
 */
public record FleetScenario(String tenant, int gateways, double timeCompression, double wearableShare,
                            double alertShare, long publishEveryMillis, long receiptTimeoutSeconds,
                            List<SpotDevice> devices, Wearable wearable) {

    /** A device every hub carries, measuring {@code perDay} times a (simulated) day. */
    public record SpotDevice(FleetDeviceKind kind, double perDay) {
    }

    /** The continuous device of the hubs that have one. */
    public record Wearable(FleetDeviceKind kind) {
    }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public FleetScenario {
        if (gateways < 1 || timeCompression <= 0 || wearableShare < 0 || wearableShare > 1 || alertShare < 0
                || alertShare > 1 || publishEveryMillis < 10 || receiptTimeoutSeconds < 1 || devices == null
                || devices.isEmpty()) {
            throw new IllegalArgumentException("a fleet scenario needs gateways ≥ 1, a positive time compression, "
                    + "shares within 0…1, publishEveryMillis ≥ 10, receiptTimeoutSeconds ≥ 1 and devices");
        }
        for (SpotDevice d : devices) {
            if (d.kind().continuous() || d.perDay() <= 0) {
                throw new IllegalArgumentException(d.kind() + ": a spot device with perDay > 0 is expected");
            }
        }
        if (wearable != null && !wearable.kind().continuous()) {
            throw new IllegalArgumentException(wearable.kind() + " is not a continuous device");
        }
    }

    public static FleetScenario load(Path file) throws IOException {
        return YAML.readValue(file.toFile(), FleetScenario.class);
    }

    public FleetScenario withGateways(int count) {
        return new FleetScenario(tenant, count, timeCompression, wearableShare, alertShare, publishEveryMillis,
                receiptTimeoutSeconds, devices, wearable);
    }

    public FleetScenario withTimeCompression(double factor) {
        return new FleetScenario(tenant, gateways, factor, wearableShare, alertShare, publishEveryMillis,
                receiptTimeoutSeconds, devices, wearable);
    }

    public FleetScenario withAlertShare(double share) {
        return new FleetScenario(tenant, gateways, timeCompression, wearableShare, share, publishEveryMillis,
                receiptTimeoutSeconds, devices, wearable);
    }

    public FleetScenario withTenant(String name) {
        return new FleetScenario(name, gateways, timeCompression, wearableShare, alertShare, publishEveryMillis,
                receiptTimeoutSeconds, devices, wearable);
    }

    /** Spot readings a second the whole fleet sends, on average, at this compression. */
    public double spotReadingsPerSecond() {
        double perDay = devices.stream().mapToDouble(SpotDevice::perDay).sum();
        return gateways * perDay * timeCompression / 86_400;
    }

    /** Hubs that carry the wearable: every n-th one, so that the share holds for any fleet size. */
    public boolean hasWearable(int hub) {
        if (wearable == null || wearableShare == 0) {
            return false;
        }
        int every = (int) Math.round(1 / wearableShare);
        return hub % every == every - 1;
    }
}
