package io.goalkeeper.problem;

/** 409: the request is well formed but clashes with the stored state. */
public final class Conflict extends ProblemException {

    public Conflict(String type, String title, String detail) {
        super(409, type, title, detail);
    }
}
