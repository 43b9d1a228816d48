package io.goalkeeper.security;

import java.util.List;
import java.util.Set;

/**
 * What a request's Authorization headers hold. {@code subject} is the user the service should act
 * for when it accepts them (null: nobody, or nobody the test tracks); {@code roles} are the sync roles
 * it carries when that is unambiguous (null: not a case for the role check).
 */
record Credential(String label, List<String> authorizations, String subject, Set<String> roles) {

    static Credential of(String label, String token, String subject, Set<String> roles) {
        return new Credential(label, List.of("Bearer " + token), subject, roles);
    }

    static Credential header(String label, String... authorizations) {
        return new Credential(label, List.of(authorizations), null, null);
    }

    /** How a failure report prints one of its header values: the label says what the token claims. */
    String describe(String authorization) {
        return "<" + label + "> " + Exchange.shorten(authorization, 60);
    }
}
