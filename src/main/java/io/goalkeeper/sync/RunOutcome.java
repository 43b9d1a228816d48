package io.goalkeeper.sync;

import com.fasterxml.jackson.annotation.JsonValue;

/** {@code sync_runs.outcome}: how a run ended, or {@code running} while it has not. */
public enum RunOutcome implements Labelled {
    RUNNING, SUCCEEDED, FAILED,
    /** Taken over, released by an operator, or ended after losing its lease: the run that follows records it. */
    ABANDONED;

    @JsonValue
    @Override
    public String label() {
        return Labelled.super.label();
    }
}
