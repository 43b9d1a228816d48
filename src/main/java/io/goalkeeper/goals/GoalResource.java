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

import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestResponse;

import io.goalkeeper.auth.CurrentUser;
import io.goalkeeper.goals.GoalRepository.Versioned;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

/** The Goals API: HTTP, status codes and ETags; the rules live in {@link GoalService}. */
@Path("/api/v1/goals")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class GoalResource {

    private static final String IF_MATCH = "If-Match";

    @Inject
    GoalService goals;

    @Inject
    CurrentUser user;

    @GET
    public Uni<RestResponse<List<Goal>>> list() {
        return goals.list(user.id()).map(collection -> withETag(collection.goals(), collection.version()));
    }

    /** Replaces the user's whole set in one transaction. */
    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<RestResponse<List<Goal>>> replaceAll(@RestHeader(IF_MATCH) String ifMatch,
            @NotNull(message = "a JSON array of goals is required") @Size(max = GoalRules.MAX_GOALS)
            List<@NotNull @Valid GoalInput> body) {
        return goals.replaceAll(user.id(), body, ifMatch)
                .map(collection -> withETag(collection.goals(), collection.version()));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<RestResponse<Goal>> create(@NotNull(message = "a goal is required") @Valid GoalInput body) {
        return goals.create(user.id(), body).map(created -> RestResponse.ResponseBuilder
                .<Goal>created(URI.create("/api/v1/goals/" + created.value().id()))
                .entity(created.value())
                .header(HttpHeaders.ETAG, ETags.of(created.value().version()))
                .build());
    }

    @GET
    @Path("{id}")
    public Uni<RestResponse<Goal>> get(@RestPath UUID id) {
        return goals.get(user.id(), id).map(GoalResource::withETag);
    }

    /** Full update of the goal and its milestones. */
    @PUT
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<RestResponse<Goal>> update(@RestPath UUID id, @RestHeader(IF_MATCH) String ifMatch,
            @NotNull(message = "a goal is required") @Valid GoalInput body) {
        return goals.update(user.id(), id, body, ifMatch).map(GoalResource::withETag);
    }

    @DELETE
    @Path("{id}")
    public Uni<RestResponse<Void>> delete(@RestPath UUID id, @RestHeader(IF_MATCH) String ifMatch) {
        return goals.delete(user.id(), id, ifMatch).map(collectionVersion -> RestResponse.noContent());
    }

    @POST
    @Path("{id}/complete")
    public Uni<RestResponse<Goal>> complete(@RestPath UUID id, @RestHeader(IF_MATCH) String ifMatch) {
        return goals.complete(user.id(), id, ifMatch).map(GoalResource::withETag);
    }

    @POST
    @Path("{id}/milestones/{milestoneId}/complete")
    public Uni<RestResponse<Goal>> completeMilestone(@RestPath UUID id, @RestPath UUID milestoneId,
            @RestHeader(IF_MATCH) String ifMatch) {
        return goals.completeMilestone(user.id(), id, milestoneId, ifMatch).map(GoalResource::withETag);
    }

    /** "Initialize": plans milestones for a goal that has none, or replaces them with {@code ?replace=true}. */
    @POST
    @Path("{id}/milestones/initialize")
    public Uni<RestResponse<PlannedGoal>> initialize(@RestPath UUID id, @RestQuery boolean replace,
            @RestHeader(IF_MATCH) String ifMatch) {
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
