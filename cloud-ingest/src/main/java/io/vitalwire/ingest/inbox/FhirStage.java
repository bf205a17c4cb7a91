package io.vitalwire.ingest.inbox;

import io.vitalwire.ingest.FhirDelivery;
import io.vitalwire.ingest.ReadingRouter;
import io.vitalwire.ingest.Route;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * FHIR: stream samples into their windows (PostgreSQL; the window closer writes the windows' Observations), spot
 * measurements as one transaction bundle to the FHIR server. The two parts succeed or fail apart: samples are
 * stored while the FHIR server is down.
 */
@Singleton
class FhirStage implements StageHandler {

    private final ReadingRouter router;
    private final FhirDelivery fhir;
    private final StageCalls calls;

    FhirStage(ReadingRouter router, FhirDelivery fhir, StageCalls calls) {
        this.router = router;
        this.fhir = fhir;
        this.calls = calls;
    }

    @Override
    public InboxStage stage() {
        return InboxStage.FHIR;
    }

    @Override
    public void handle(InboxClaim claim) {
        Map<String, InboxEntry> byKey = new HashMap<>();
        List<Route.Sample> samples = new ArrayList<>();
        List<Route.Spot> spots = new ArrayList<>();
        for (List<InboxEntry> device : claim.readableByDevice()) {
            for (InboxEntry e : device) {
                byKey.put(e.readingKey(), e);
                Route route = router.owned(e.reading(), e.owner());
                if (route instanceof Route.Refused refused) {
                    claim.quarantined(e, refused.reason(), refused.detail(), Instant.now());
                } else if (route instanceof Route.Sample sample) {
                    samples.add(sample);
                } else {
                    spots.add((Route.Spot) route);
                }
            }
        }
        if (!samples.isEmpty()) {
            try {
                fhir.storeSamples(samples).forEach((key, outcome) ->
                        claim.done(byKey.get(key), outcome.summary(), Instant.now()));
            } catch (RuntimeException e) {
                calls.failed(claim, entries(samples, byKey), e);
            }
        }
        if (!spots.isEmpty()) {
            try {
                FhirDelivery.Written written = calls.call(InboxStage.FHIR, () -> fhir.writeSpots(spots));
                Instant now = Instant.now();
                written.delivered().forEach(d -> claim.done(byKey.get(d.readingKey()), d.summary(), now));
                written.refused().forEach(r ->
                        claim.quarantined(byKey.get(r.reading().key()), r.reason(), r.detail(), now));
                calls.rejected(InboxStage.FHIR, written.refused().size());
            } catch (RuntimeException e) {
                calls.failed(claim, entries(spots, byKey), e);
            }
        }
    }

    private static List<InboxEntry> entries(List<? extends Route> routes, Map<String, InboxEntry> byKey) {
        return routes.stream().map(r -> byKey.get(r.reading().key())).toList();
    }
}
