package io.goalkeeper.auth;

import java.time.Duration;
import java.util.Set;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestQuery;

import io.goalkeeper.problem.InvalidInput;
import io.quarkus.arc.profile.IfBuildProfile;
import io.smallrye.jwt.build.Jwt;

/**
 * Dev mode only: mints a token for any user with the dev key pair in {@code dev/jwt}, so the API can
 * be tried with curl. This resource does not exist in a production build.
 */
@IfBuildProfile("dev")
@Path("/dev/token")
public class DevTokenResource {

    private static final Duration LIFETIME = Duration.ofHours(12);

    /** {@code GET /dev/token?sub=alice&admin=true}: a signed token, as plain text. */
    @GET
    @Produces(MediaType.TEXT_PLAIN)
    public String token(@RestQuery String sub, @RestQuery boolean admin) {
        if (sub == null || sub.isBlank() || sub.length() > CurrentUser.MAX_ID_LENGTH) {
            throw InvalidInput.of("sub", "must be a user id of 1 to " + CurrentUser.MAX_ID_LENGTH + " characters");
        }
        return Jwt.subject(sub)
                .groups(admin ? Set.of("sync-admin") : Set.of())
                .expiresIn(LIFETIME)
                .sign();
    }
}
