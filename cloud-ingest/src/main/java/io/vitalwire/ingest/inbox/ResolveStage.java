package io.vitalwire.ingest.inbox;

import io.vitalwire.contract.Reading;
import io.vitalwire.ingest.ReadingRouter;
import io.vitalwire.ingest.Route;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.List;

/**
 * RESOLVE: each reading's owner at its measurement time, decided once and kept on the entry for both sinks; or the
 * reading is quarantined (no patient for it, or no Observation can hold it). Devices are looked up one at a time,
 * so a failing lookup sends back only that device's readings.
 */
@Singleton
class ResolveStage implements StageHandler {

    private final ReadingRouter router;
    private final StageCalls calls;

    ResolveStage(ReadingRouter router, StageCalls calls) {
        this.router = router;
        this.calls = calls;
    }

    @Override
    public InboxStage stage() {
        return InboxStage.RESOLVE;
    }

    @Override
    public void handle(InboxClaim claim) {
        for (List<InboxEntry> device : claim.readableByDevice()) {
            List<Reading> readings = device.stream().map(InboxEntry::reading).toList();
            List<Route> routes;
            try {
                routes = calls.call(InboxStage.RESOLVE, () -> router.route(readings));
            } catch (RuntimeException e) {
                calls.failed(claim, device, e);
                continue;
            }
            Instant now = Instant.now();
            for (int i = 0; i < device.size(); i++) {
                Route route = routes.get(i);
                if (route instanceof Route.Refused refused) {
                    claim.quarantined(device.get(i), refused.reason(), refused.detail(), now);
                } else {
                    claim.resolved(device.get(i), ((Route.Owned) route).owner(),
                            route instanceof Route.Sample ? "stream sample" : "spot measurement", now);
                }
            }
        }
    }
}
