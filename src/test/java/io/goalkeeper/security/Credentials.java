package io.goalkeeper.security;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The Authorization headers requests are sent with: the fuzzing user's token, with and without sync
 * roles, and tokens that must not be accepted as anyone's, or only as a user of their own.
 */
final class Credentials {

    static final String VIEWER = "sync-viewer";
    static final String ADMIN = "sync-admin";

    final Credential owner;
    final Credential viewer;
    final Credential admin;
    final List<Credential> hostile;

    /**
     * @param other the other user's sub; it ends with {@code ?}, the character a lone surrogate becomes
     *              when text is encoded carelessly, so a token naming a lone surrogate there must not
     *              reach the other user's goals
     */
    Credentials(String ownerSub, String other) {
        String token = SignedTokens.forUser(ownerSub);
        String adminToken = SignedTokens.forUser(ownerSub, ADMIN);
        owner = Credential.of("the fuzzing user, no roles", token, ownerSub, Set.of());
        viewer = Credential.of("the fuzzing user with " + VIEWER, SignedTokens.forUser(ownerSub, VIEWER), ownerSub, Set.of(VIEWER));
        admin = Credential.of("the fuzzing user with " + ADMIN, adminToken, ownerSub, Set.of(ADMIN));
        hostile = List.of(
                new Credential("no Authorization header", List.of(), null, null),
                Credential.header("an empty bearer", "Bearer "),
                Credential.header("a malformed token", "Bearer not.a.jwt"),
                Credential.header("another scheme", "Basic dXNlcjpwYXNz"),
                Credential.header("the fuzzing user's token with trailing garbage", "Bearer " + token + "x"),
                new Credential("the fuzzing user's token under a lower-case scheme", List.of("bearer " + token), ownerSub, Set.of()),
                Credential.of("an expired token", SignedTokens.expired(ownerSub), null, null),
                Credential.of("a token signed by another key", SignedTokens.signedByAnotherKey(ownerSub), null, null),
                Credential.of("an unsigned token (alg none)", SignedTokens.unsigned(ownerSub), null, null),
                Credential.of("HS256 keyed with the public key", SignedTokens.hs256WithThePublicKey(ownerSub), null, null),
                Credential.of("sub: the other user's, a lone surrogate for its '?'",
                        SignedTokens.forUser(other.substring(0, other.length() - 1) + "\ud800"), null, Set.of()),
                Credential.of("sub: the other user's, a NUL for its '?'",
                        SignedTokens.forUser(other.substring(0, other.length() - 1) + "\u0000"), null, Set.of()),
                Credential.of("sub: the other user's with a trailing space", SignedTokens.forUser(other + " "), null, Set.of()),
                Credential.of("sub: the other user's in upper case", SignedTokens.forUser(other.toUpperCase(Locale.ROOT)), null,
                        Set.of()),
                Credential.of("sub of 256 characters", SignedTokens.forUser("u".repeat(256)), null, null),
                Credential.of("an empty sub", SignedTokens.forUser(""), null, null),
                Credential.of("a blank sub", SignedTokens.forUser(" "), null, null),
                Credential.of("a numeric sub", SignedTokens.rs256(SignedTokens.claims(123)), null, null),
                Credential.of("an array sub", SignedTokens.rs256(SignedTokens.claims(List.of(other))), null, null),
                Credential.of("no sub", SignedTokens.rs256(SignedTokens.claims(null)), null, null),
                Credential.of("groups as one string", SignedTokens.rs256(SignedTokens.claims(ownerSub).put("groups", ADMIN)),
                        null, null),
                Credential.of("groups in upper case", SignedTokens.forUser(ownerSub, ADMIN.toUpperCase(Locale.ROOT)), ownerSub,
                        Set.of()),
                Credential.of("groups nested in an array",
                        SignedTokens.rs256(SignedTokens.claims(ownerSub).put("groups", List.of(List.of(ADMIN)))), null, null),
                Credential.of("groups with a NUL", SignedTokens.forUser(ownerSub, ADMIN + "\u0000"), null, null),
                Credential.header("two Authorization headers, the second malformed", "Bearer " + token, "Bearer not.a.jwt"),
                Credential.header("two Authorization headers, the first malformed", "Bearer not.a.jwt", "Bearer " + token),
                Credential.header("two Authorization headers, the second with " + ADMIN, "Bearer " + token, "Bearer " + adminToken),
                Credential.header("the same Authorization header twice", "Bearer " + token, "Bearer " + token));
    }
}
