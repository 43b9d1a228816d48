package io.goalkeeper.smartsuite;

/** A SmartSuite call that failed for good; its message is for people, its fields are for decisions. */
public class SmartSuiteException extends RuntimeException {

    /** SmartSuite's answer, 0 when none came (network error or timeout). */
    final int status;
    /** Whether SmartSuite may have done the write anyway. */
    final boolean maybeApplied;

    SmartSuiteException(int status, boolean maybeApplied, String message) {
        super(message);
        this.status = status;
        this.maybeApplied = maybeApplied;
    }
}
