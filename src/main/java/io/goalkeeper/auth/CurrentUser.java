package io.goalkeeper.auth;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.AuthenticationFailedException;

/** The user a request acts for: the {@code sub} claim of its bearer token. */
@RequestScoped
public class CurrentUser {

    static final int MAX_ID_LENGTH = 255;

    @Inject
    JsonWebToken token;

    /** The user's id; a token without a usable {@code sub} is refused as unauthenticated. */
    public String id() {
        String subject = token.getSubject();
        if (subject == null || subject.isBlank() || subject.length() > MAX_ID_LENGTH || !storable(subject)) {
            throw new AuthenticationFailedException("The token has no usable sub claim");
        }
        return subject;
    }

    /**
     * Whether PostgreSQL can store the id exactly: it refuses NUL, and a lone UTF-16 surrogate would be
     * written as {@code ?}, so two different ids could name one user.
     */
    private static boolean storable(String subject) {
        return subject.indexOf('\0') < 0 && subject.codePoints().noneMatch(c -> Character.getType(c) == Character.SURROGATE);
    }
}
