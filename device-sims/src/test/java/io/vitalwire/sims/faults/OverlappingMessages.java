package io.vitalwire.sims.faults;

import io.vitalwire.contract.Reading;
import io.vitalwire.testing.MosquittoBroker;
import io.vitalwire.testing.TestPki;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Readings published the way faults make them arrive: each gateway sends its readings in overlapping messages (a
 * reading in two of them, as after a resend with new readings added) and every message twice (a lost PUBACK), the
 * gateways at once.
 */
final class OverlappingMessages {

    private OverlappingMessages() {
    }

    /**
     * @param size messages of this many readings
     * @param step starting this many readings apart (less than {@code size}: they overlap)
     * @return how many messages were published
     */
    static int publish(MosquittoBroker broker, TestPki pki, Map<String, List<Reading>> readingsOf, int size, int step)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(readingsOf.size());
        try {
            List<Future<Integer>> done = new ArrayList<>();
            readingsOf.forEach((gateway, readings) -> done.add(pool.submit(() -> {
                int published = 0;
                try (GatewayPublisher publisher = GatewayPublisher.connect(broker, pki, gateway)) {
                    for (int from = 0; from < readings.size(); from += step) {
                        byte[] message = publisher.batch(readings.subList(from, Math.min(from + size,
                                readings.size())));
                        publisher.publishReadings(message);
                        publisher.publishReadings(message);
                        published += 2;
                    }
                }
                return published;
            })));
            int total = 0;
            for (Future<Integer> f : done) {
                total += f.get();
            }
            return total;
        } finally {
            pool.shutdownNow();
        }
    }
}
