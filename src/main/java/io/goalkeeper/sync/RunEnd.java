package io.goalkeeper.sync;

/** How a run ended, why when it did not succeed, and what it pushed. */
public record RunEnd(RunOutcome outcome, StopReason stopReason, String error, int created, int updated, int deleted) {

    public static RunEnd succeeded(int created, int updated, int deleted) {
        return new RunEnd(RunOutcome.SUCCEEDED, null, null, created, updated, deleted);
    }

    public static RunEnd failed(String error, int created, int updated, int deleted) {
        return new RunEnd(RunOutcome.FAILED, StopReason.FAILURE, error, created, updated, deleted);
    }

    /** Stopped before its work was done, for {@code reason}. */
    static RunEnd aborted(StopReason reason, String error, int created, int updated, int deleted) {
        return new RunEnd(RunOutcome.FAILED, reason, "aborted: " + error, created, updated, deleted);
    }

    static RunEnd released(String by) {
        return new RunEnd(RunOutcome.ABANDONED, StopReason.RELEASED, "released by " + by, 0, 0, 0);
    }
}
