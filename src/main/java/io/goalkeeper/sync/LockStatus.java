package io.goalkeeper.sync;

import com.fasterxml.jackson.annotation.JsonValue;

/** {@code sync_metadata.status}. */
public enum LockStatus implements Labelled {
    IDLE, RUNNING;

    @JsonValue
    @Override
    public String label() {
        return Labelled.super.label();
    }
}
