package io.vitalwire.ingest.aliases;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.vitalwire.privacy.DeviceAliases;
import java.util.regex.Pattern;

/**
 * Logback's {@code %msg} with every device id ({@code sn.…}, {@code bd.…}, in reading keys too) and BLE address
 * replaced by the device's alias, and every patient reference ({@code Patient/123}, {@code ?patient=123}) by
 * {@code Patient/*} ({@code %scrubbedMsg} in logback.xml): the last line of defence for messages cloud-ingest does not
 * write itself — a FHIR server's or PostgreSQL's error quoted in a warning, a library's exception, a search URL.
 * Before the aliases are loaded (the first lines of start-up) device identifiers are replaced by {@code dev-?}.
 */
public class ScrubbedMessageConverter extends MessageConverter {

    private static final Pattern UNKEYED = Pattern.compile("(?i)(?<![A-Za-z0-9._~-])(?:sn|bd)\\.[A-Za-z0-9~-]+"
            + "|(?<![0-9a-f])[0-9a-f]{2}([:_-]|~3a)[0-9a-f]{2}(\\1[0-9a-f]{2}){4}(?![0-9a-f])");
    private static final Pattern PATIENT = Pattern.compile("(?i)(Patient/|[?&](?:patient|subject)=(?:Patient/)?)"
            + "[A-Za-z0-9.%-]{1,64}");
    private static volatile DeviceAliases aliases;

    /** Called once the service's key is loaded. */
    static void use(DeviceAliases loaded) {
        aliases = loaded;
    }

    @Override
    public String convert(ILoggingEvent event) {
        return scrub(super.convert(event));
    }

    /** The text as this converter logs it. */
    public static String scrub(String text) {
        DeviceAliases current = aliases;
        if (text == null) {
            return null;
        }
        String devices = current != null ? current.scrub(text) : UNKEYED.matcher(text).replaceAll("dev-?");
        return PATIENT.matcher(devices).replaceAll("$1*");
    }
}
