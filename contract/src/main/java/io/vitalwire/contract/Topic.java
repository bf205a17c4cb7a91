package io.vitalwire.contract;

import java.util.regex.Pattern;

/**
 * An MQTT topic of the contract: {@code vitalwire/v{major}/{tenant}/{gatewayId}/{channel}}.
 *
 * <p>Only operator-assigned identifiers appear in a topic, never anything about a patient, because brokers log and
 * meter topic names and ACLs are written against them: each gateway may publish only below its own
 * {@code vitalwire/v1/{tenant}/{gatewayId}/}.
 */
public record Topic(int majorVersion, String tenant, String gatewayId, Channel channel) {

    public static final String ROOT = "vitalwire";

    /** Identifiers that are safe as one topic segment: no wildcards, no separators, bounded length. */
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");

    /**
     * Whether {@code value} may be a tenant or gateway segment of a topic: letters, digits, '_' and '-', starting with
     * a letter or digit, at most 64 characters. The one definition every API that takes a tenant or gateway id checks.
     */
    public static boolean isSegment(String value) {
        return value != null && SEGMENT.matcher(value).matches();
    }

    public Topic {
        requireSegment("tenant", tenant);
        requireSegment("gatewayId", gatewayId);
        if (channel == null) {
            throw new IllegalArgumentException("channel is required");
        }
    }

    /** A topic of the current contract version. */
    public static Topic of(String tenant, String gatewayId, Channel channel) {
        return new Topic(ContractVersion.MAJOR, tenant, gatewayId, channel);
    }

    public String path() {
        return ROOT + "/v" + majorVersion + "/" + tenant + "/" + gatewayId + "/" + channel.segment();
    }

    @Override
    public String toString() {
        return path();
    }

    /**
     * The shared subscription through which cloud-ingest replicas split the readings of every gateway. It matches
     * every version on purpose, so that a message of an unknown major version is received and quarantined with a
     * reason instead of never arriving.
     */
    public static String sharedReadingsFilter(String group) {
        return sharedFilter(group, Channel.READINGS);
    }

    /**
     * The shared subscription to one channel of every gateway, every version (see
     * {@link #sharedReadingsFilter}): replicas in {@code group} split the messages between them.
     */
    public static String sharedFilter(String group, Channel channel) {
        requireSegment("group", group);
        return "$share/" + group + "/" + ROOT + "/+/+/+/" + channel.segment();
    }

    /** Parses a topic a message arrived on; refuses anything that is not exactly of the contract's shape. */
    public static Topic parse(String path) throws ContractViolation {
        String[] parts = path == null ? new String[0] : path.split("/", -1);
        if (parts.length != 5 || !ROOT.equals(parts[0]) || !parts[1].matches("v[0-9]{1,3}")) {
            throw new ContractViolation(ContractViolation.Reason.INVALID_TOPIC,
                    "topic '" + path + "' is not of the form vitalwire/v{major}/{tenant}/{gatewayId}/{channel}");
        }
        int major = Integer.parseInt(parts[1].substring(1));
        if (major != ContractVersion.MAJOR) {
            throw new ContractViolation(ContractViolation.Reason.UNSUPPORTED_VERSION,
                    "unsupported topic version v" + major + ": this receiver speaks v" + ContractVersion.MAJOR);
        }
        Channel channel = Channel.fromSegment(parts[4]).orElseThrow(() -> new ContractViolation(
                ContractViolation.Reason.INVALID_TOPIC, "unknown channel '" + parts[4] + "' in topic '" + path + "'"));
        try {
            return new Topic(major, parts[2], parts[3], channel);
        } catch (IllegalArgumentException e) {
            throw new ContractViolation(ContractViolation.Reason.INVALID_TOPIC, e.getMessage(), e);
        }
    }

    private static void requireSegment(String name, String value) {
        if (value == null || !SEGMENT.matcher(value).matches()) {
            throw new IllegalArgumentException(name + " '" + value + "' must match " + SEGMENT.pattern());
        }
    }
}
