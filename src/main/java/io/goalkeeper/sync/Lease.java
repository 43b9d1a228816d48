package io.goalkeeper.sync;

import java.time.Instant;

/**
 * A lease this process holds on the sync lock. {@code token} fences every write of the run: a write
 * made under a token that is no longer the lock's is rolled back.
 *
 * @param takenOverFrom the holder whose lease this one replaced, or null
 * @param takeoverReason why that holder's lease was taken over, or null
 * @param session the holder's own database session that the lock row names, or null when the lease
 *        alone guards the lock
 */
public record Lease(long token, long runId, String holder, Instant startedAt, Instant leaseUntil, String takenOverFrom,
        TakeoverReason takeoverReason, HolderSession session) {
}
