package io.goalkeeper.sync;

import java.time.Instant;

/**
 * One run of the sync, as the Sync API shows it.
 *
 * @param takeoverReason when the run took the lock over from {@code takenOverFrom}: {@code lease-expired}
 *        or {@code holder-gone} (see {@link TakeoverReason}); else null
 */
public record SyncRun(long id, long token, String holder, String trigger, Instant startedAt, Instant finishedAt,
        String outcome, String takenOverFrom, String takeoverReason, int created, int updated, int deleted, String error) {
}
