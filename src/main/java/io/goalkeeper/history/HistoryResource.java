package io.goalkeeper.history;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import io.goalkeeper.auth.CurrentUser;
import io.goalkeeper.problem.InvalidInput;
import io.goalkeeper.problem.ProblemMapper;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/** What changed in the user's goals: the log, one goal's versions, deleted goals, and the live stream. */
@Path("/api/v1/goals")
@Tag(name = "goals")
@APIResponse(responseCode = "401", ref = "Unauthorized")
@APIResponse(responseCode = "503", ref = "ServiceUnavailable")
@APIResponse(responseCode = "default", ref = "InternalError")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class HistoryResource {

    @Inject
    History history;

    @Inject
    EventStreams streams;

    @Inject
    CurrentUser user;

    @Inject
    JsonWebToken token;

    /** Change sets after {@code since}, oldest first: how a client that was away catches up. */
    @GET
    @Path("changes")
    @Operation(operationId = "listChanges", summary = "List the change sets after a version",
            description = "The user's change sets after collection version `since`, oldest first: one per write, each "
                    + "with every goal it changed, before and after. How a client that was offline catches up.")
    @APIResponse(responseCode = "200", description = "The change sets after `since`, oldest first",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.ARRAY, implementation = ChangeSet.class)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "410", description = "Sets after `since` are no longer kept: list the goals again",
            content = @Content(mediaType = ProblemMapper.PROBLEM_JSON, schema = @Schema(ref = "Problem")))
    public Uni<List<ChangeSet>> changes(
            @Parameter(description = "A collection version; 0 for all that is kept") @RestQuery String since,
            @Parameter(description = "At most this many sets, 1 to 1000 (default 100)") @RestQuery String limit) {
        long after = since == null ? 0 : version("since", since);
        return history.since(user.id(), after, limitOf(limit));
    }

    /** A goal's versions, newest first, also once it is deleted. */
    @GET
    @Path("{id}/history")
    @Operation(operationId = "getGoalHistory", summary = "List a goal's versions",
            description = "The goal's versions, newest first, each with its change set's version, time, author and request; "
                    + "also after the goal was deleted.")
    @APIResponse(responseCode = "200", description = "The goal's versions, newest first",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.ARRAY, implementation = GoalVersion.class)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "404", ref = "NotFound")
    public Uni<List<GoalVersion>> history(@RestPath UUID id,
            @Parameter(description = "At most this many versions, 1 to 1000 (default 100)") @RestQuery String limit) {
        return history.history(user.id(), id, limitOf(limit));
    }

    /** Goals deleted within the retention and not restored, newest first, each with its last content. */
    @GET
    @Path("deleted")
    @Operation(operationId = "listDeletedGoals", summary = "List deleted goals",
            description = "Goals deleted within the retention and not restored, newest first, each with its last content.")
    @APIResponse(responseCode = "200", description = "The deleted goals, newest first",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.ARRAY, implementation = DeletedGoal.class)))
    public Uni<List<DeletedGoal>> deleted() {
        return history.deleted(user.id());
    }

    /**
     * The user's change sets as Server-Sent Events: from {@code Last-Event-ID} (or {@code since}) it
     * replays what was missed, then goes on live; without either it starts with the next change.
     */
    @GET
    @Path("events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @DatabaseFirst
    @Operation(operationId = "streamChanges", summary = "Follow the user's changes live",
            description = "Server-Sent Events: `id: <collectionVersion>`, `event: change`, `data: <change set>`. With "
                    + "`Last-Event-ID` (or `since`) it first replays what was missed, then goes live; none is lost or sent "
                    + "twice. A `: keep-alive` comment comes every 15 s; `event: reset` says the gap is older than what is "
                    + "kept (list the goals again). The stream ends when the token expires.")
    @APIResponse(responseCode = "200", description = "The event stream",
            content = @Content(mediaType = MediaType.SERVER_SENT_EVENTS, schema = @Schema(type = SchemaType.STRING)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "429", description = "The user holds as many streams on this replica as allowed; close one",
            headers = @Header(name = "Retry-After", ref = "Retry-After"),
            content = @Content(mediaType = ProblemMapper.PROBLEM_JSON, schema = @Schema(ref = "Problem")))
    public Multi<OutboundSseEvent> events(
            @Parameter(name = "Last-Event-ID", in = ParameterIn.HEADER, ref = "LastEventId") @RestHeader("Last-Event-ID") String lastEventId,
            @Parameter(description = "A collection version to replay from when no `Last-Event-ID` is sent") @RestQuery String since) {
        long from = lastEventId != null ? version("Last-Event-ID", lastEventId)
                : since != null ? version("since", since)
                : EventStream.NOW;
        return streams.open(user.id(), from, Instant.ofEpochSecond(token.getExpirationTime()));
    }

    private static long version(String name, String value) {
        try {
            long version = Long.parseLong(value.trim());
            if (version >= 0) {
                return version;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw InvalidInput.of(name, "must be a collection version: a whole number, 0 or more");
    }

    private static int limitOf(String limit) {
        if (limit == null) {
            return History.DEFAULT_LIMIT;
        }
        try {
            int value = Integer.parseInt(limit.trim());
            if (value >= 1 && value <= History.MAX_LIMIT) {
                return value;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw InvalidInput.of("limit", "must be a whole number from 1 to " + History.MAX_LIMIT);
    }
}
