package io.vitalwire.ingest.installation;

/**
 * A device's installation changed (an operator's move, or a first use): published as an application event after
 * the change is committed, so that whatever derives from the hubs' devices (their allow-lists) follows it without
 * this package knowing who listens.
 *
 * @param before the hub it was installed at, or null (its first installation)
 * @param after  the hub it is installed at now
 */
public record InstallationChanged(Hub before, Hub after) {
}
