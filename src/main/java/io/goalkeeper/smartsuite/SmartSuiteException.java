package io.goalkeeper.smartsuite;

/**
 * A SmartSuite call that failed for good. {@code status} is SmartSuite's answer, 0 when none came
 * (network error or timeout); {@code maybeApplied} says whether SmartSuite may have done the write anyway.
 */
public class SmartSuiteException extends RuntimeException {

    private final int status;
    private final boolean maybeApplied;

    SmartSuiteException(int status, boolean maybeApplied, String message) {
        super(message);
        this.status = status;
        this.maybeApplied = maybeApplied;
    }

    public int status() {
        return status;
    }

    public boolean maybeApplied() {
        return maybeApplied;
    }
}
