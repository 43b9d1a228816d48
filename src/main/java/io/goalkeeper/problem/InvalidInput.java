package io.goalkeeper.problem;

import java.util.List;

/** 400: the body or a parameter is not acceptable; every bad field is listed at once. */
public final class InvalidInput extends ProblemException {

    public InvalidInput(String detail, List<FieldError> errors) {
        super(400, "invalid-input", "Invalid input", detail);
        with("errors", errors);
    }

    public static InvalidInput of(String field, String message) {
        return new InvalidInput(field + ": " + message, List.of(new FieldError(field, message)));
    }
}
