package io.goalkeeper.problem;

/** 404: the resource does not exist for this user (another user's goal included). */
public final class NotFound extends ProblemException {

    public NotFound(String detail) {
        super(404, "not-found", "Not found", detail);
    }
}
