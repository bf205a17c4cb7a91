package io.vitalwire.sims.demo;

import java.nio.file.Path;

/**
 * Where the local stack's services are: the variables {@code deploy/dev/stack.sh env} exports. The demo refuses to
 * start without them rather than guess a stack that might not be ours.
 */
record StackEnv(String mqttsUrl, Path pki, String fhirUrl, String influxUrl, String influxDb, String pgUrl,
                String pgUser, String pgPassword, Path adminJwks, Path adminDevKey, String adminIssuer) {

    static StackEnv fromEnvironment() {
        return new StackEnv(need("VW_MQTTS_URL"), Path.of(need("VW_MQTT_PKI")), need("VW_FHIR_URL"),
                need("VW_INFLUX_URL"), need("VW_INFLUX_DB"), need("VW_PG_URL"), need("VW_PG_USER"),
                need("VW_PG_PASSWORD"), Path.of(need("VW_ADMIN_JWKS")), Path.of(need("VW_ADMIN_DEV_KEY")),
                need("VW_ADMIN_ISSUER"));
    }

    private static String need(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(name + " is not set: run `eval \"$(deploy/dev/stack.sh env)\"` first");
        }
        return value;
    }
}
