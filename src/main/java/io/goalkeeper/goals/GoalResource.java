package io.goalkeeper.goals;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestResponse;

import io.goalkeeper.auth.CurrentUser;
import io.goalkeeper.goals.GoalRepository.Versioned;
import io.goalkeeper.problem.ProblemMapper;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

/**
 * The Goals API: HTTP, status codes and ETags; the rules live in {@link GoalService}. The annotations
 * state each operation's answers for the OpenAPI document; the responses they name by {@code ref} are
 * in {@code META-INF/openapi.yaml}.
 */
@Path("/api/v1/goals")
@Tag(name = "goals")
@APIResponse(responseCode = "401", ref = "Unauthorized")
@APIResponse(responseCode = "503", ref = "ServiceUnavailable")
@APIResponse(responseCode = "default", ref = "InternalError")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class GoalResource {

    private static final String IF_MATCH = "If-Match";

    @Inject
    GoalService goals;

    @Inject
    CurrentUser user;

    @Operation(operationId = "listGoals", summary = "List the user's goals",
            description = "The user's goals, oldest first, with the collection `ETag`.")
    @APIResponse(responseCode = "200", description = "The user's goals, oldest first", headers = @Header(name = "ETag", ref = "ETag"),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.ARRAY, implementation = Goal.class)))
    @GET
    public Uni<RestResponse<List<Goal>>> list() {
        return goals.list(user.id()).map(collection -> withETag(collection.goals(), collection.version()));
    }

    /** Replaces the user's whole set in one transaction. */
    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "replaceGoals", summary = "Replace all of the user's goals",
            description = "Replaces the whole set in one transaction: known ids updated, new ids inserted, missing ones "
                    + "deleted. `If-Match` is checked against the collection ETag (412); a goal carrying `version` must "
                    + "match it (409 listing the conflicts); an id owned by another user is a 409. Nothing is written "
                    + "unless all of it is.")
    @APIResponse(responseCode = "200", description = "The new set, oldest first", headers = @Header(name = "ETag", ref = "ETag"),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.ARRAY, implementation = Goal.class)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "409", description = "A goal's `version` is stale (`conflicts` lists them), an id is used by "
            + "another goal (`ids`), or the set would pass 500 goals; nothing was written",
            content = @Content(mediaType = ProblemMapper.PROBLEM_JSON, schema = @Schema(ref = "Problem")))
    @APIResponse(responseCode = "412", ref = "PreconditionFailed")
    @APIResponse(responseCode = "413", ref = "PayloadTooLarge")
    @APIResponse(responseCode = "415", ref = "UnsupportedMediaType")
    public Uni<RestResponse<List<Goal>>> replaceAll(@Parameter(name = IF_MATCH, in = ParameterIn.HEADER, ref = "IfMatch") @RestHeader(IF_MATCH) String ifMatch,
            @NotNull(message = "a JSON array of goals is required") @Size(max = GoalRules.MAX_GOALS)
            List<@NotNull @Valid GoalInput> body) {
        return goals.replaceAll(user.id(), body, ifMatch)
                .map(collection -> withETag(collection.goals(), collection.version()));
    }

    @Operation(operationId = "createGoal", summary = "Create a goal",
            description = "Creates a goal; its `id` (and its milestones' ids) may be given, otherwise the server makes them.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = GoalInput.class),
            examples = @ExampleObject(name = "goal", ref = "NewGoal")))
    @APIResponse(responseCode = "201", description = "The goal, created",
            headers = { @Header(name = "Location", ref = "Location"), @Header(name = "ETag", ref = "ETag") },
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Goal.class),
                    examples = @ExampleObject(name = "goal", ref = "Goal")))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "409", description = "The id is used by another goal (`ids`), or the user has 500 goals",
            content = @Content(mediaType = ProblemMapper.PROBLEM_JSON, schema = @Schema(ref = "Problem")))
    @APIResponse(responseCode = "413", ref = "PayloadTooLarge")
    @APIResponse(responseCode = "415", ref = "UnsupportedMediaType")
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<RestResponse<Goal>> create(@NotNull(message = "a goal is required") @Valid GoalInput body) {
        return goals.create(user.id(), body).map(created -> RestResponse.ResponseBuilder
                .<Goal>created(URI.create("/api/v1/goals/" + created.value().id()))
                .entity(created.value())
                .header(HttpHeaders.ETAG, ETags.of(created.value().version()))
                .build());
    }

    @Operation(operationId = "getGoal", summary = "Read a goal", description = "The goal with its `ETag`.")
    @APIResponse(responseCode = "200", description = "The goal", headers = @Header(name = "ETag", ref = "ETag"),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Goal.class),
                    examples = @ExampleObject(name = "goal", ref = "Goal")))
    @APIResponse(responseCode = "404", ref = "NotFound")
    @GET
    @Path("{id}")
    public Uni<RestResponse<Goal>> get(@RestPath UUID id) {
        return goals.get(user.id(), id).map(GoalResource::withETag);
    }

    /** Full update of the goal and its milestones. */
    @PUT
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "updateGoal", summary = "Update a goal",
            description = "Full update of the goal and its milestones; `If-Match` optional, 412 on mismatch.")
    @APIResponse(responseCode = "200", description = "The goal as written", headers = @Header(name = "ETag", ref = "ETag"),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Goal.class)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "412", ref = "PreconditionFailed")
    @APIResponse(responseCode = "413", ref = "PayloadTooLarge")
    @APIResponse(responseCode = "415", ref = "UnsupportedMediaType")
    public Uni<RestResponse<Goal>> update(@RestPath UUID id, @Parameter(name = IF_MATCH, in = ParameterIn.HEADER, ref = "IfMatch") @RestHeader(IF_MATCH) String ifMatch,
            @NotNull(message = "a goal is required") @Valid GoalInput body) {
        return goals.update(user.id(), id, body, ifMatch).map(GoalResource::withETag);
    }

    @DELETE
    @Path("{id}")
    @Operation(operationId = "deleteGoal", summary = "Delete a goal", description = "Deletes the goal; `If-Match` optional.")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "412", ref = "PreconditionFailed")
    public Uni<RestResponse<Void>> delete(@RestPath UUID id, @Parameter(name = IF_MATCH, in = ParameterIn.HEADER, ref = "IfMatch") @RestHeader(IF_MATCH) String ifMatch) {
        return goals.delete(user.id(), id, ifMatch).map(collectionVersion -> RestResponse.noContent());
    }

    @POST
    @Path("{id}/complete")
    @Operation(operationId = "completeGoal", summary = "Complete a goal",
            description = "Sets `status: completed` and `completedAt`; calling it again changes nothing.")
    @APIResponse(responseCode = "200", description = "The goal, completed", headers = @Header(name = "ETag", ref = "ETag"),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Goal.class)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "412", ref = "PreconditionFailed")
    public Uni<RestResponse<Goal>> complete(@RestPath UUID id, @Parameter(name = IF_MATCH, in = ParameterIn.HEADER, ref = "IfMatch") @RestHeader(IF_MATCH) String ifMatch) {
        return goals.complete(user.id(), id, ifMatch).map(GoalResource::withETag);
    }

    @POST
    @Path("{id}/milestones/{milestoneId}/complete")
    @Operation(operationId = "completeMilestone", summary = "Complete a milestone",
            description = "The goal with that milestone completed; idempotent.")
    @APIResponse(responseCode = "200", description = "The goal, its milestone completed", headers = @Header(name = "ETag", ref = "ETag"),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Goal.class)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "412", ref = "PreconditionFailed")
    public Uni<RestResponse<Goal>> completeMilestone(@RestPath UUID id, @RestPath UUID milestoneId,
            @Parameter(name = IF_MATCH, in = ParameterIn.HEADER, ref = "IfMatch") @RestHeader(IF_MATCH) String ifMatch) {
        return goals.completeMilestone(user.id(), id, milestoneId, ifMatch).map(GoalResource::withETag);
    }

    /** "Initialize": plans milestones for a goal that has none, or replaces them with {@code ?replace=true}. */
    @POST
    @Path("{id}/milestones/initialize")
    @Operation(operationId = "initializeMilestones", summary = "Plan milestones (\"Initialize\")",
            description = "Plans milestones for a goal that has none, or replaces them with `replace=true`; `plannedBy` "
                    + "names the planner that made them. At most `GOALKEEPER_INITIALIZE_LIMIT` calls per user per window.")
    @APIResponse(responseCode = "200", description = "The goal with its new milestones, and `plannedBy`",
            headers = @Header(name = "ETag", ref = "ETag"),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PlannedGoal.class)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "409", description = "The goal has milestones and `replace` is not set, or it changed while "
            + "its milestones were planned",
            content = @Content(mediaType = ProblemMapper.PROBLEM_JSON, schema = @Schema(ref = "Problem")))
    @APIResponse(responseCode = "412", ref = "PreconditionFailed")
    @APIResponse(responseCode = "429", description = "The user's Initialize calls of this window are spent; nothing was planned",
            headers = @Header(name = "Retry-After", ref = "Retry-After"),
            content = @Content(mediaType = ProblemMapper.PROBLEM_JSON, schema = @Schema(ref = "Problem")))
    public Uni<RestResponse<PlannedGoal>> initialize(@RestPath UUID id,
            @Parameter(description = "Replace the goal's milestones if it has some") @RestQuery boolean replace,
            @Parameter(name = IF_MATCH, in = ParameterIn.HEADER, ref = "IfMatch") @RestHeader(IF_MATCH) String ifMatch) {
        return goals.initialize(user.id(), id, replace, ifMatch)
                .map(planned -> RestResponse.ResponseBuilder.ok(planned.value())
                        .header(HttpHeaders.ETAG, ETags.of(planned.value().goal().version()))
                        .build());
    }

    private static RestResponse<Goal> withETag(Versioned<Goal> goal) {
        return withETag(goal.value());
    }

    private static RestResponse<Goal> withETag(Goal goal) {
        return RestResponse.ResponseBuilder.ok(goal).header(HttpHeaders.ETAG, ETags.of(goal.version())).build();
    }

    private static <T> RestResponse<T> withETag(T body, long version) {
        return RestResponse.ResponseBuilder.ok(body).header(HttpHeaders.ETAG, ETags.of(version)).build();
    }
}
