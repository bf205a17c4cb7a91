package io.vitalwire.gateway.buffer;

/**
 * What one maintenance pass did.
 *
 * @param purgedReadings acknowledged readings deleted after their retention
 * @param releasedBytes  free pages returned to the file system by incremental vacuum
 * @param walTruncated   whether the WAL checkpoint completed and truncated the WAL file
 */
public record MaintenanceResult(int purgedReadings, long releasedBytes, boolean walTruncated) {
}
