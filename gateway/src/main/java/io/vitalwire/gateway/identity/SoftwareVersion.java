package io.vitalwire.gateway.identity;

/** This gateway's software version, as its status and its installer page report it. */
public final class SoftwareVersion {

    private SoftwareVersion() {
    }

    /** The jar's Implementation-Version (the Maven project version), or {@code dev} when run from classes. */
    public static String current() {
        String version = SoftwareVersion.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
