package io.vitalwire.ingest;

import io.micronaut.runtime.Micronaut;
import io.vitalwire.ingest.aliases.AliasCommand;
import io.vitalwire.ingest.rules.backtest.RulesCommand;
import io.vitalwire.ingest.security.dev.TokenCommand;
import java.util.Arrays;

/**
 * Cloud ingest. Its pipeline, top-down: {@code consume} (MQTT readings and events, acknowledged once durable) →
 * {@code inbox} (the engine: PostgreSQL, one state per reading and stage, retries with the shared backoff) → the
 * stages {@code IngestPipeline} declares, in its order ({@code resolve}, then {@code fhir} and {@code influx}
 * independently); what a stage cannot take goes to {@code quarantine} with its reason, and {@code replay} puts it
 * back into the inbox once its device is assigned. Gateways' events (gaps) go to {@code events}.
 */
public final class IngestApplication {

    private IngestApplication() {
    }

    /**
     * {@code java -jar cloud-ingest.jar} runs the service; {@code java -jar cloud-ingest.jar rules replay [FILE]} runs
     * the alert rules over a recorded stream without starting anything else; {@code java -jar cloud-ingest.jar token
     * --role operator} prints an admin API token signed with the dev stack's key; {@code java -jar cloud-ingest.jar
     * alias <device>…} prints the alias that names a device in cloud-ingest's logs.
     */
    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("rules")) {
            System.exit(RulesCommand.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
        }
        if (args.length > 0 && args[0].equals("token")) {
            System.exit(TokenCommand.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
        }
        if (args.length > 0 && args[0].equals("alias")) {
            System.exit(AliasCommand.run(Arrays.asList(args).subList(1, args.length),
                    System.getenv("VITALWIRE_INGEST_ALIASES_KEY_FILE"), System.out, System.err));
        }
        Micronaut.run(IngestApplication.class, args);
    }
}
