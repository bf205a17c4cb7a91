package io.vitalwire.gateway.buffer;

/**
 * What one maintenance pass did.
 *
 * @param purgedReadings acknowledged readings deleted after their retention
 * @param releasedBytes  free pages returned to the file system by incremental vacuum
 * @param walTruncated   whether the WAL checkpoint completed and truncated the WAL file
 * @param countsCorrected row counts found to differ from the rows and set to them (0 unless a change was
 *                        miscounted; checked hourly while the buffer is small)
 */
public record MaintenanceResult(int purgedReadings, long releasedBytes, boolean walTruncated, int countsCorrected) {
}
