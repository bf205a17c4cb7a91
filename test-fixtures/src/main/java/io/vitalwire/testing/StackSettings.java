package io.vitalwire.testing;

/**
 * Where the local stack of real services is: from the environment that {@code deploy/dev/stack.sh env} prints, with
 * that script's defaults (a variable that is unset or blank takes the default).
 */
public record StackSettings(String mqttUrl, String pgUrl, String pgUser, String pgPassword, String influxUrl,
                            String influxDb, String fhirUrl) {

    public static StackSettings fromEnvironment() {
        return new StackSettings(
                env("VW_MQTT_URL", "tcp://127.0.0.1:11883"),
                env("VW_PG_URL", "jdbc:postgresql://127.0.0.1:15432/vitalwire"),
                env("VW_PG_USER", "vitalwire"),
                env("VW_PG_PASSWORD", "vitalwire"),
                env("VW_INFLUX_URL", "http://127.0.0.1:18086"),
                env("VW_INFLUX_DB", "vitalwire"),
                env("VW_FHIR_URL", "http://127.0.0.1:18080/fhir"));
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
