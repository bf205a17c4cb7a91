package io.vitalwire.ingest.inbox;

import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Locale;
import org.influxdb.InfluxDBException;
import org.influxdb.InfluxDBIOException;

/** Why a stage's call failed: the {@code cause} tag of {@code vitalwire.ingest.sink.failures}. A closed set. */
enum FailureCause {
    /** The service did not answer: down, unreachable, timed out. Retried with backoff. */
    UNREACHABLE,
    /** It answered with an error that may pass (5xx, 429, a conflict that outlived the sink's own retries). Retried. */
    SERVER_ERROR,
    /** It refused the reading for good; the reading is quarantined. */
    REJECTED,
    /** Anything else, e.g. PostgreSQL failing under the window store. Retried. */
    ERROR;

    static FailureCause of(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof FhirClientConnectionException || t instanceof InfluxDBIOException
                    || t instanceof ConnectException || t instanceof SocketTimeoutException
                    || t instanceof UnknownHostException) {
                return UNREACHABLE;
            }
            if (t instanceof BaseServerResponseException || t instanceof InfluxDBException) {
                return SERVER_ERROR;
            }
        }
        return ERROR;
    }

    String tag() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
