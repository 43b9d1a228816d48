package io.goalkeeper.sync;

import com.fasterxml.jackson.annotation.JsonValue;

/** Why an acquisition took the lock over from a holder; the values of {@code sync_runs.takeover_reason}. */
public enum TakeoverReason implements Labelled {

    /** The holder did not renew its lease before it ran out: it stalled, or crashed with the lease alone guarding it. */
    LEASE_EXPIRED("whose lease had run out", "lease expired"),
    /** The holder's own database session ended: the holder crashed, or lost its connection. */
    HOLDER_GONE("whose database session had ended", "the holder's database session ended");

    private final String description;
    private final String cause;

    TakeoverReason(String description, String cause) {
        this.description = description;
        this.cause = cause;
    }

    /** As stored, shown by the API and used as the takeovers metric's {@code reason} label. */
    @JsonValue
    @Override
    public String label() {
        return Labelled.super.label();
    }

    /** For log lines: "taken over from X " + description. */
    public String description() {
        return description;
    }

    /** The abandoned run's error, naming the new holder. */
    String abandonedBy(String holder) {
        return cause + "; taken over by " + holder;
    }
}
