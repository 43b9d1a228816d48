package io.goalkeeper.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.eclipse.microprofile.config.ConfigProvider;

import io.goalkeeper.support.Tokens;

/**
 * Tokens assembled byte by byte, so that their claims can hold what a JWT library would clean up: a
 * {@code sub} with a lone surrogate or a NUL, a {@code groups} claim of the wrong shape. They are
 * signed with the dev key the test profile trusts, unless they are meant to be forged.
 */
final class SignedTokens {

    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    private static final PrivateKey DEV_KEY = Tokens.devKey();
    private static final byte[] DEV_PUBLIC_PEM = read(Path.of("dev/jwt/public.pem"));
    private static final long LIFETIME_SECONDS = 3600;

    private SignedTokens() {
    }

    /**
     * Claims of a token valid for an hour, from the issuer the service expects; {@code sub} may be any
     * JSON value, or absent when null.
     */
    static Json.Obj claims(Object sub) {
        long now = Instant.now().getEpochSecond();
        Json.Obj claims = new Json.Obj();
        ConfigProvider.getConfig().getOptionalValue("mp.jwt.verify.issuer", String.class).ifPresent(iss -> claims.put("iss", iss));
        if (sub != null) {
            claims.put("sub", sub);
        }
        return claims.put("iat", now).put("exp", now + LIFETIME_SECONDS);
    }

    static String forUser(String sub, String... groups) {
        Json.Obj claims = claims(sub);
        if (groups.length > 0) {
            claims.put("groups", List.of((Object[]) groups));
        }
        return rs256(claims, DEV_KEY);
    }

    static String rs256(Json.Obj claims) {
        return rs256(claims, DEV_KEY);
    }

    static String expired(String sub) {
        long now = Instant.now().getEpochSecond();
        return rs256(claims(sub).put("iat", now - 7200).put("exp", now - 3600), DEV_KEY);
    }

    static String signedByAnotherKey(String sub) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return rs256(claims(sub), generator.generateKeyPair().getPrivate());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String unsigned(String sub) {
        return encode("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + encode(Json.write(claims(sub))) + ".";
    }

    /** The classic key confusion: HMAC keyed with the public key that verifies RS256 tokens. */
    static String hs256WithThePublicKey(String sub) {
        String content = encode("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "." + encode(Json.write(claims(sub)));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(DEV_PUBLIC_PEM, "HmacSHA256"));
            return content + "." + BASE64URL.encodeToString(mac.doFinal(content.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String rs256(Json.Obj claims, PrivateKey key) {
        return Tokens.signedClaims(Json.write(claims), key);
    }

    private static String encode(String json) {
        return BASE64URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read " + file, e);
        }
    }
}
