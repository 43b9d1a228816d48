package io.goalkeeper.sync;

/** How a run ended, with what it pushed. */
public record RunOutcome(String outcome, String error, int created, int updated, int deleted) {

    static final String SUCCEEDED = "succeeded";
    static final String FAILED = "failed";
    static final String ABANDONED = "abandoned";

    public static RunOutcome succeeded(int created, int updated, int deleted) {
        return new RunOutcome(SUCCEEDED, null, created, updated, deleted);
    }

    public static RunOutcome failed(String error, int created, int updated, int deleted) {
        return new RunOutcome(FAILED, error, created, updated, deleted);
    }
}
