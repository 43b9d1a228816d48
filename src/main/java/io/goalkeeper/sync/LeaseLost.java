package io.goalkeeper.sync;

/** The run no longer holds the lock with its token: it must stop, and what it did last is not recorded. */
public class LeaseLost extends RuntimeException {

    public LeaseLost(long token) {
        super("the sync lock is no longer held with token " + token, null, false, false);
    }
}
