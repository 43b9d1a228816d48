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
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import io.goalkeeper.auth.CurrentUser;
import io.goalkeeper.problem.InvalidInput;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/** What changed in the user's goals: the log, one goal's versions, deleted goals, and the live stream. */
@Path("/api/v1/goals")
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
    public Uni<List<ChangeSet>> changes(@RestQuery String since, @RestQuery String limit) {
        long after = since == null ? 0 : version("since", since);
        return history.since(user.id(), after, limitOf(limit));
    }

    /** A goal's versions, newest first, also once it is deleted. */
    @GET
    @Path("{id}/history")
    public Uni<List<GoalVersion>> history(@RestPath UUID id, @RestQuery String limit) {
        return history.history(user.id(), id, limitOf(limit));
    }

    /** Goals deleted within the retention and not restored, newest first, each with its last content. */
    @GET
    @Path("deleted")
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
    public Multi<OutboundSseEvent> events(@RestHeader("Last-Event-ID") String lastEventId, @RestQuery String since) {
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
