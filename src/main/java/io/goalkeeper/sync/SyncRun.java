package io.goalkeeper.sync;

import java.time.Instant;

/**
 * One run of the sync, as the Sync API shows it.
 *
 * @param takeoverReason when the run took the lock over from {@code takenOverFrom}, why; else null
 * @param stopReason why a run that did not succeed stopped; null while running and once succeeded
 */
public record SyncRun(long id, long token, String holder, Trigger trigger, Instant startedAt, Instant finishedAt,
        RunOutcome outcome, String takenOverFrom, TakeoverReason takeoverReason, int created, int updated, int deleted,
        String error, StopReason stopReason) {
}
