package io.goalkeeper.sync;

import java.time.Instant;

/**
 * The lock row as operators see it. {@code stale} (held past its lease), {@code holderGone} (held, but
 * the holder's own database session has ended), {@code ageSeconds} (time since the last heartbeat)
 * and {@code successAgeSeconds} (time since the last successful run ended, or since the first run
 * started while none has succeeded; 0 before any run) are judged by the database's clock.
 */
public record LockState(LockStatus status, String holder, long token, Instant startedAt, Instant heartbeatAt,
        Instant leaseUntil, boolean stale, boolean holderGone, Long ageSeconds, Instant lastSuccessAt, String lastError,
        long syncCount, Long successAgeSeconds) {

    /** Whether the next acquisition takes this lock over. */
    public boolean takeable() {
        return stale || holderGone;
    }
}
