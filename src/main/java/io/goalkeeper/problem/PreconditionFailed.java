package io.goalkeeper.problem;

/** 412: {@code If-Match} names a version that is no longer current. */
public final class PreconditionFailed extends ProblemException {

    public PreconditionFailed(String currentEtag) {
        super(412, "precondition-failed", "Precondition failed",
                "If-Match does not match the current ETag " + currentEtag + "; read again and retry");
        with("currentEtag", currentEtag);
    }
}
