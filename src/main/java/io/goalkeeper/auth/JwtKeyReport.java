package io.goalkeeper.auth;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;

/**
 * Says at start which key verifies bearer tokens. The location has no default outside dev mode and
 * tests, and a required injected property is checked before the service starts: a production start
 * without {@code MP_JWT_VERIFY_PUBLICKEY_LOCATION} stops with a line naming it, instead of answering
 * 401 to everyone.
 */
@Singleton
class JwtKeyReport {

    private static final Logger LOG = Logger.getLogger(JwtKeyReport.class);

    /** PEM public key, JWK or JWKS, as a file path or URL (a Supabase project's JWKS URL works). */
    @ConfigProperty(name = "mp.jwt.verify.publickey.location")
    String location;

    /** RS256, or ES256 for elliptic-curve keys such as Supabase's. */
    @ConfigProperty(name = "mp.jwt.verify.publickey.algorithm", defaultValue = "RS256")
    String algorithm;

    void report(@Observes StartupEvent started) {
        LOG.infof("Bearer tokens are verified with the %s key at %s", algorithm, location);
    }
}
