package io.vitalwire.gateway.remote;

/**
 * Where {@link RemoteConfig} reports a configuration it refused, knowing nothing of where it goes (the uplink keeps
 * it durably as a {@code config-refused} event until the broker has it). Returns at once, never throws.
 */
public interface ConfigRefusals {

    /**
     * @param version the refused version, or null when it could not be read
     * @param reason  kebab-case: {@value RemoteConfig#INVALID_CONFIG}, {@value RemoteConfig#INVALID_ALLOW_LIST},
     *                {@value RemoteConfig#NOT_PERSISTED}
     */
    void refused(Long version, String reason);
}
