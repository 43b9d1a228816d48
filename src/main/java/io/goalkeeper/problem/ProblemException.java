package io.goalkeeper.problem;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A failure that the client caused or can act on, answered as {@code application/problem+json}
 * (RFC 9457) by {@link ProblemMapper}. {@code type} is the last part of the problem type URI.
 */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String type;
    private final String title;
    private final Map<String, Object> members = new LinkedHashMap<>();

    public ProblemException(int status, String type, String title, String detail) {
        super(detail, null, false, false);
        this.status = status;
        this.type = type;
        this.title = title;
    }

    /** Adds an extension member to the answer, such as the ids that conflicted. */
    public ProblemException with(String name, Object value) {
        members.put(name, value);
        return this;
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String title() {
        return title;
    }

    public Map<String, Object> members() {
        return members;
    }
}
