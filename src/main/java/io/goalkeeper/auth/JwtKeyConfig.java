package io.goalkeeper.auth;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The key that verifies bearer tokens. Declared here, without a default, so that a production start
 * without {@code MP_JWT_VERIFY_PUBLICKEY_LOCATION} stops with one line naming it, instead of serving
 * a 401 to everyone.
 */
@ConfigMapping(prefix = "mp.jwt.verify.publickey")
public interface JwtKeyConfig {

    /** PEM public key, JWK or JWKS, as a file path or URL (a Supabase project's JWKS URL works). */
    String location();

    /** The signature algorithm of that key: RS256, or ES256 for elliptic-curve keys such as Supabase's. */
    @WithDefault("RS256")
    String algorithm();
}
