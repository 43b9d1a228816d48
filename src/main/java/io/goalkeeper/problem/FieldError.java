package io.goalkeeper.problem;

/** One bad field of a request: {@code field} is a path such as {@code [2].milestones[0].title}. */
public record FieldError(String field, String message) {
}
