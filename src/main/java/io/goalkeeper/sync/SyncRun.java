package io.goalkeeper.sync;

import java.time.Instant;

/** One run of the sync, as the Sync API shows it. */
public record SyncRun(long id, long token, String holder, String trigger, Instant startedAt, Instant finishedAt,
        String outcome, String takenOverFrom, int created, int updated, int deleted, String error) {
}
