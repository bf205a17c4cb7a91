package io.vitalwire.ingest.tasks;

/**
 * A {@code care_task} row a worker holds, with its alert as it stands.
 *
 * @param state        the row's state when claimed (PENDING or OPEN): every transition expects it
 * @param task         {@code Task/<id>} once written, else null
 * @param attempts     failed attempts since the last write
 * @param seenRevision the last {@code care_task_revision} row of the alert seen before its state was read; the
 *                     write covers it and every earlier one (0: none)
 */
record OwedTask(TrackedAlert alert, CareTaskState state, String task, int attempts, long seenRevision) {
}
