package io.vitalwire.sims.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Fevers sent at a steady pace, then each matched with its webhook at the receiver: by patient and measurement
 * time, which the webhook's payload names ({@code data.patient}, {@code data.measuredAt}). Sending and collecting
 * are apart so that a phase under load can end (and its load stop) before every webhook has come.
 */
final class AlertTimings {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A fever, its webhook, and the reading key the webhook names. */
    record Timed(AlertingHome.Sample sample, SignedWebhookReceiver.Request webhook, String readingKey) {

        /** 2.04 at the thermometer → webhook verified at the receiver. */
        double millis() {
            return (webhook.arrivedNanos() - sample.acceptedNanos()) / 1e6;
        }
    }

    private AlertTimings() {
    }

    /** {@code count} fevers, one every {@code everyMillis}, each once the gateway answered it. */
    static List<AlertingHome.Sample> send(AlertingHome home, int count, long everyMillis)
            throws IOException, InterruptedException {
        List<AlertingHome.Sample> samples = new ArrayList<>();
        long next = System.nanoTime();
        for (int n = 0; n < count; n++) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            next += TimeUnit.MILLISECONDS.toNanos(everyMillis);
            samples.add(home.fever());
        }
        return samples;
    }

    /** Waits until every sample's webhook has come, at most {@code timeout}; fails for any missing. */
    static List<Timed> collect(SignedWebhookReceiver receiver, List<AlertingHome.Sample> samples, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Map<String, SignedWebhookReceiver.Request> byReading = webhooksByReading(receiver);
            List<Timed> timed = new ArrayList<>();
            for (AlertingHome.Sample s : samples) {
                SignedWebhookReceiver.Request w = byReading.get(s.webhookKey());
                if (w != null) {
                    timed.add(new Timed(s, w, JSON.readTree(w.body()).at("/data/observation/identifier/value")
                            .asText()));
                }
            }
            if (timed.size() == samples.size()) {
                return timed;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException((samples.size() - timed.size()) + " of " + samples.size()
                        + " alerts got no webhook within " + timeout);
            }
            Thread.sleep(200);
        }
    }

    /**
     * The first webhook per reading (patient and measurement time). One that the reference library does not verify,
     * or a webhook-id accepted twice, fails the run: the benchmark times only what a receiver would act on, once.
     */
    private static Map<String, SignedWebhookReceiver.Request> webhooksByReading(SignedWebhookReceiver receiver)
            throws IOException {
        Map<String, SignedWebhookReceiver.Request> first = new HashMap<>();
        Map<String, Integer> acceptedPerId = new HashMap<>();
        for (SignedWebhookReceiver.Request r : receiver.received()) {
            if (!r.verified()) {
                throw new IllegalStateException("a webhook the reference library does not verify: " + r.failure());
            }
            if (r.accepted() && acceptedPerId.merge(r.webhookId(), 1, Integer::sum) > 1) {
                throw new IllegalStateException("webhook-id " + r.webhookId() + " delivered twice");
            }
            JsonNode data = JSON.readTree(r.body()).get("data");
            first.putIfAbsent(data.get("patient").asText() + "|" + data.get("measuredAt").asText(), r);
        }
        return first;
    }
}
