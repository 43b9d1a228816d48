package io.goalkeeper.sync;

import java.util.Optional;

import io.goalkeeper.sync.SyncStatus.LockView;

/**
 * What one try to take the lock found: the lease it took, if it did, and the lock as it saw it once
 * it held the row (before taking it). A refused try names the live holder it found, never a later one.
 */
public record Acquisition(Optional<Lease> lease, LockView seen) {

    /** Refused although the lock it saw was free or takeable: another try may take it. */
    boolean refusedAFreeLock() {
        return lease.isEmpty() && (seen.status() == LockStatus.IDLE || seen.stale() || seen.holderGone());
    }
}
