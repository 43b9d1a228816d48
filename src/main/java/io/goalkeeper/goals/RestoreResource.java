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

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;

import io.goalkeeper.auth.CurrentUser;
import io.goalkeeper.problem.ProblemMapper;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

/** Brings a goal back as it was at a version the change log keeps. */
@Path("/api/v1/goals")
@Tag(name = "goals")
@APIResponse(responseCode = "401", ref = "Unauthorized")
@APIResponse(responseCode = "503", ref = "ServiceUnavailable")
@APIResponse(responseCode = "default", ref = "InternalError")
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
    @Operation(operationId = "restoreGoal", summary = "Restore a goal's earlier version",
            description = "Writes the goal as it was at `version` as a new version; a deleted goal comes back under its id. "
                    + "`If-Match` is checked against the goal's current version (for a deleted goal, its deletion's).")
    @APIResponse(responseCode = "200", description = "The goal as restored", headers = @Header(name = "ETag", ref = "ETag"),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Goal.class)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "409", description = "The id is used by another goal, or the user has 500 goals",
            content = @Content(mediaType = ProblemMapper.PROBLEM_JSON, schema = @Schema(ref = "Problem")))
    @APIResponse(responseCode = "412", ref = "PreconditionFailed")
    @APIResponse(responseCode = "413", ref = "PayloadTooLarge")
    @APIResponse(responseCode = "415", ref = "UnsupportedMediaType")
    public Uni<RestResponse<Goal>> restore(@RestPath UUID id,
            @Parameter(name = "If-Match", in = ParameterIn.HEADER, ref = "IfMatch") @RestHeader("If-Match") String ifMatch,
            @NotNull(message = "a body with the version is required") @Valid RestoreRequest body) {
        return goals.restore(user.id(), id, body.version(), ifMatch)
                .map(restored -> RestResponse.ResponseBuilder.ok(restored.value())
                        .header(HttpHeaders.ETAG, ETags.of(restored.value().version()))
                        .build());
    }
}
