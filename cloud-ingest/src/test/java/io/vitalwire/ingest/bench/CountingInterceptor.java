package io.vitalwire.ingest.bench;

import ca.uhn.fhir.rest.client.api.IClientInterceptor;
import ca.uhn.fhir.rest.client.api.IHttpRequest;
import ca.uhn.fhir.rest.client.api.IHttpResponse;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts the HTTP requests a FHIR client sends: what the FHIR server has to serve. */
final class CountingInterceptor implements IClientInterceptor {

    private final AtomicInteger requests = new AtomicInteger();

    @Override
    public void interceptRequest(IHttpRequest request) {
        requests.incrementAndGet();
    }

    @Override
    public void interceptResponse(IHttpResponse response) {
    }

    int requests() {
        return requests.get();
    }
}
