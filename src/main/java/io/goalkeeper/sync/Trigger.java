package io.goalkeeper.sync;

import com.fasterxml.jackson.annotation.JsonValue;

/** {@code sync_runs.trigger}: what started a run. */
public enum Trigger implements Labelled {
    SCHEDULED, MANUAL;

    @JsonValue
    @Override
    public String label() {
        return Labelled.super.label();
    }
}
