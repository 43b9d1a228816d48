package io.goalkeeper.goals;

import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;

import io.goalkeeper.auth.CurrentUser;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

/** Brings a goal back as it was at a version the change log keeps. */
@Path("/api/v1/goals")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class RestoreResource {

    @Inject
    GoalService goals;

    @Inject
    CurrentUser user;

    /** The version to restore. */
    public record RestoreRequest(@NotNull(message = "the version to restore is required") Long version) {
    }

    @POST
    @Path("{id}/restore")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<RestResponse<Goal>> restore(@RestPath UUID id, @RestHeader("If-Match") String ifMatch,
            @NotNull(message = "a body with the version is required") @Valid RestoreRequest body) {
        return goals.restore(user.id(), id, body.version(), ifMatch)
                .map(restored -> RestResponse.ResponseBuilder.ok(restored.value())
                        .header(HttpHeaders.ETAG, ETags.of(restored.value().version()))
                        .build());
    }
}
