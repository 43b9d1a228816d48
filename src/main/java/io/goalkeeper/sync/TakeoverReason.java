package io.goalkeeper.sync;

/** Why an acquisition took the lock over from a holder; the values of {@code sync_runs.takeover_reason}. */
public enum TakeoverReason {

    /** The holder did not renew its lease before it ran out: it stalled, or crashed with the lease alone guarding it. */
    LEASE_EXPIRED("lease-expired", "whose lease had run out"),
    /** The holder's own database session ended: the holder crashed, or lost its connection. */
    HOLDER_GONE("holder-gone", "whose database session had ended");

    private final String label;
    private final String description;

    TakeoverReason(String label, String description) {
        this.label = label;
        this.description = description;
    }

    /** As stored, shown by the API and used as the takeovers metric's {@code reason} label. */
    public String label() {
        return label;
    }

    /** For log lines: "taken over from X " + description. */
    public String description() {
        return description;
    }

    static TakeoverReason of(String label) {
        if (label == null) {
            return null;
        }
        for (TakeoverReason reason : values()) {
            if (reason.label.equals(label)) {
                return reason;
            }
        }
        throw new IllegalArgumentException("no takeover reason " + label);
    }
}
