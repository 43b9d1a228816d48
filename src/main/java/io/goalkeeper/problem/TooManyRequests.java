package io.goalkeeper.problem;

/** 429: a per-user limit is reached; {@code Retry-After} says in how many whole seconds a call is allowed again. */
public final class TooManyRequests extends ProblemException {

    private final long retryAfterSeconds;

    public TooManyRequests(String type, String detail, long retryAfterSeconds) {
        super(429, type, "Too many requests", detail);
        this.retryAfterSeconds = retryAfterSeconds;
        with("retryAfter", retryAfterSeconds);
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
