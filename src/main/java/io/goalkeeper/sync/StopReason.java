package io.goalkeeper.sync;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * {@code sync_runs.stop_reason}: why a run that did not succeed stopped. The failure streak, and so the
 * back-off and the alerts, read it; the run's {@code error} is for people.
 */
public enum StopReason implements Labelled {
    /** The target or the database failed the run, or the target refused goals. */
    FAILURE,
    /** The replica shut down (SIGTERM): says nothing about the target. */
    SHUTDOWN,
    /** A renewal found another token, or none succeeded for a whole lease. */
    LEASE_LOST,
    /** Another replica took the lock over from this run's holder. */
    TAKEN_OVER,
    /** An operator released the lock with the run's token. */
    RELEASED;

    @JsonValue
    @Override
    public String label() {
        return Labelled.super.label();
    }
}
