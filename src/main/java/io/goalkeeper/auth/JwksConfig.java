package io.goalkeeper.auth;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * How a JWKS served over HTTP(S) is read ({@code GOALKEEPER_JWKS_*}); used only when
 * {@code MP_JWT_VERIFY_PUBLICKEY_LOCATION} is an {@code http://} or {@code https://} URL.
 */
@ConfigMapping(prefix = "goalkeeper.jwks")
public interface JwksConfig {

    /** How often the key set is read again in the background; a key removed from it stops working after at most this. */
    @WithDefault("10m")
    Duration refreshInterval();

    /** The shortest time between two reads: a token naming an unknown kid causes a read, but no more often than this. */
    @WithDefault("5s")
    Duration minRefreshInterval();
}
