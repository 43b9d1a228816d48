package io.goalkeeper.sync;

import java.time.Instant;

/**
 * A lease this process holds on the sync lock. {@code token} fences every write of the run: a write
 * made under a token that is no longer the lock's is rolled back.
 *
 * @param takenOverFrom the holder whose stale lease this one replaced, or null
 */
public record Lease(long token, long runId, String holder, Instant startedAt, Instant leaseUntil, String takenOverFrom) {
}
