package io.goalkeeper.problem;

/** 410: what the client asks for is older than what is kept; it must start again (list the goals). */
public final class Gone extends ProblemException {

    public Gone(String type, String detail) {
        super(410, type, "Gone", detail);
    }
}
