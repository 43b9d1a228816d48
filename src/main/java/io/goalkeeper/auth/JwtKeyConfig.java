package io.goalkeeper.auth;

import io.smallrye.config.ConfigMapping;

/**
 * The key that verifies bearer tokens. Declared here, without a default, so that a production start
 * without {@code MP_JWT_VERIFY_PUBLICKEY_LOCATION} stops with one line naming it, instead of serving
 * a 401 to everyone.
 */
@ConfigMapping(prefix = "mp.jwt.verify.publickey")
public interface JwtKeyConfig {

    /** PEM public key, JWK or JWKS, as a file path or URL (a Supabase project's JWKS URL works). */
    String location();
}
