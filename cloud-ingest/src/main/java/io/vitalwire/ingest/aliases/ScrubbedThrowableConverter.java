package io.vitalwire.ingest.aliases;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.IThrowableProxy;

/**
 * Logback's exception output ({@code %scrubbedEx} in logback.xml) scrubbed like {@link ScrubbedMessageConverter}:
 * an exception's message and its causes' may quote a device id or address.
 */
public class ScrubbedThrowableConverter extends ThrowableProxyConverter {

    @Override
    protected String throwableProxyToString(IThrowableProxy proxy) {
        return ScrubbedMessageConverter.scrub(super.throwableProxyToString(proxy));
    }
}
