package io.goalkeeper.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Tokens whose signature and claims were checked, by a hash of the token: the least recently used go
 * first beyond {@link #MAX_TOKENS}, and none is kept past its {@code exp}, nor longer than
 * {@link #MAX_AGE_MILLIS}, so a key withdrawn from a JWKS stops working soon after the service reads
 * the key set again. Refused tokens are never kept: each is checked again.
 */
@ApplicationScoped
class VerifiedTokens {

    /** About 3 KB a token (its claims and text): a few MB at most. */
    static final int MAX_TOKENS = 2_048;
    static final long MAX_AGE_MILLIS = 60_000;

    private record Verified(JsonWebToken token, long keepUntilMillis) {
    }

    private final Map<String, Verified> tokens = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Verified> eldest) {
            return size() > MAX_TOKENS;
        }
    };

    /** The verified token, or null when it was not verified, or is too old to trust without a check. */
    JsonWebToken get(String token) {
        String key = hash(token);
        long now = System.currentTimeMillis();
        synchronized (tokens) {
            Verified verified = tokens.get(key);
            if (verified == null) {
                return null;
            }
            if (now >= verified.keepUntilMillis()) {
                tokens.remove(key);
                return null;
            }
            return verified.token();
        }
    }

    void put(String token, JsonWebToken verified) {
        long now = System.currentTimeMillis();
        long keepUntil = Math.min(verified.getExpirationTime() * 1000, now + MAX_AGE_MILLIS);
        if (keepUntil <= now) {
            return;
        }
        String key = hash(token);
        synchronized (tokens) {
            tokens.put(key, new Verified(verified, keepUntil));
        }
    }

    int size() {
        synchronized (tokens) {
            return tokens.size();
        }
    }

    private static String hash(String token) {
        try {
            return Base64.getEncoder().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
