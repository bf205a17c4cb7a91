package io.vitalwire.ingest;

import io.micronaut.context.annotation.Factory;
import io.vitalwire.ingest.billing.ReadingDaysTally;
import io.vitalwire.ingest.fhir.FhirStage;
import io.vitalwire.ingest.inbox.InboxConfig;
import io.vitalwire.ingest.influx.InfluxStage;
import io.vitalwire.ingest.pipeline.Pipeline;
import io.vitalwire.ingest.resolve.ResolveStage;
import io.vitalwire.ingest.rules.RulesConfig;
import io.vitalwire.ingest.rules.RulesStage;
import jakarta.inject.Singleton;
import java.time.Clock;

/**
 * cloud-ingest's pipeline, declared here and nowhere else. A reading travels top-down:
 *
 * <pre>
 *   MQTT ──▶ consume/   GatewayConsumer, ReadingMessages, GroupCommitWriter: decode, commit to the inbox
 *                │      (many messages per transaction), then PUBACK
 *                ▼
 *            inbox/     the engine: durable entries in PostgreSQL, claims per device, one state per stage,
 *                │      retries with the shared backoff, quarantine/ for refusals (replay/ puts them back)
 *                ▼
 *            resolve    device → patient at the measurement time (the owner every later stage uses),
 *                │      committed with the reading-days tally (billing/): the patient's day with a reading,
 *                │      in the patient's time zone, for RPM billing
 *        ┌───────┼────────────────┐
 *        ▼       ▼                ▼
 *      fhir    influx           rules ──▶ notify/
 *   Observation every value     thresholds, sustained
 *   once;      as a point       streams, weight gain,
 *   windows                     suppression, late
 *                               (webhook outbox, committed with the alert)
 *                                independent: one failing service holds back nothing else
 * </pre>
 *
 * Adding a stage is one class implementing {@code pipeline.Stage} and one line below: {@code then(after, stage,
 * workers)} makes every reading the stage {@code after} is done with pending in it. Bookkeeping that needs only
 * cloud-ingest's own database is a {@code pipeline.Tally} instead, written in the commit of the stage it follows
 * ({@code tally(after, tally)}): no rows, claims or workers of its own.
 *
 * <p><b>Express lane.</b> Readings that may alert at once — spot measurements, not the samples of continuous streams,
 * which alert only when sustained — are marked at intake, and every stage also has workers that claim only them
 * ({@code vitalwire.ingest.inbox.express-workers}): under the load of a thousand streams, a fever waits for one small
 * claim per stage instead of the streams' full ones.
 */
@Factory
class IngestPipeline {

    @Singleton
    Pipeline pipeline(ResolveStage resolve, FhirStage fhir, InfluxStage influx, RulesStage rules, InboxConfig config,
                      RulesConfig rulesConfig, ReadingDaysTally readingDays) {
        return Pipeline.startWith(resolve, config.getResolveWorkers())
                .then(resolve, fhir, config.getFhirWorkers())
                .then(resolve, influx, config.getInfluxWorkers())
                .then(resolve, rules, rulesConfig.getWorkers())
                .tally(resolve, readingDays)
                .express(rules::firesAtOnce)
                .build();
    }

    /** The one clock of the service: every stage, store and schedule reads time from it, so tests can set it. */
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }
}
