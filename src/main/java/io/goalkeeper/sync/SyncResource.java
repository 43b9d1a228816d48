package io.goalkeeper.sync;

import java.net.URI;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestResponse;

import io.goalkeeper.auth.CurrentUser;
import io.goalkeeper.problem.Conflict;
import io.goalkeeper.problem.InvalidInput;
import io.goalkeeper.problem.NotFound;
import io.goalkeeper.problem.ProblemMapper;
import io.goalkeeper.sync.SyncStatus.LockView;
import io.goalkeeper.sync.SyncStatus.Report;
import io.smallrye.mutiny.Uni;

/**
 * The Sync API: trigger a run, read the lock and the history, and release a stuck lock safely. It is
 * for operators: runs' errors name hosts and tables, and every trigger spends the target's quota, so an
 * end user's token gets 403 here. The OpenAPI annotations name the roles with the same constants as
 * {@code @RolesAllowed}.
 */
@Path("/api/v1/sync")
@RolesAllowed({ SyncResource.VIEWER, SyncResource.ADMIN })
@Tag(name = "sync")
@SecurityRequirement(name = "bearer", scopes = { SyncResource.VIEWER, SyncResource.ADMIN })
@APIResponse(responseCode = "401", ref = "Unauthorized")
@APIResponse(responseCode = "403", ref = "Forbidden")
@APIResponse(responseCode = "503", ref = "ServiceUnavailable")
@APIResponse(responseCode = "default", ref = "InternalError")
@Produces(MediaType.APPLICATION_JSON)
public class SyncResource {

    static final String VIEWER = "sync-viewer";
    static final String ADMIN = "sync-admin";
    static final int DEFAULT_RUNS = 20;
    static final int MAX_RUNS = 200;

    @Inject
    SyncRunner runner;

    @Inject
    SyncRuns runs;

    @Inject
    SyncStatus status;

    @Inject
    LeaseLock lock;

    @Inject
    CurrentUser user;

    /** The body of a force release: the token the caller saw holding the lock. */
    public record ReleaseRequest(@NotNull Long token) {
    }

    /**
     * Starts a run now: 202 with the run, or 409 with the lock as the refused acquisition saw it, so the
     * answer names the holder that was in the way even if it has finished since.
     */
    @POST
    @RolesAllowed(ADMIN)
    @SecurityRequirement(name = "bearer", scopes = ADMIN)
    @Operation(operationId = "triggerSync", summary = "Start a sync run now",
            description = "Role `sync-admin`. Answers 202 with the run at once; the run goes on in the background. A stale "
                    + "lease, or a lock whose holder is gone, is taken over.")
    @APIResponse(responseCode = "202", description = "The run, started", headers = @Header(name = "Location", ref = "Location"),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SyncRun.class)))
    @APIResponse(responseCode = "409", description = "A live lease is held; `lock` shows it",
            content = @Content(mediaType = ProblemMapper.PROBLEM_JSON, schema = @Schema(ref = "Problem")))
    public Uni<RestResponse<SyncRun>> trigger() {
        user.id();
        return runner.trigger(Trigger.MANUAL).chain(acquisition -> {
            if (acquisition.lease().isEmpty()) {
                LockView seen = acquisition.seen();
                throw new Conflict("sync-running", "Sync running", (seen.holder() == null ? "Another replica took the sync lock"
                        : "A sync is running on " + seen.holder()) + "; try again when it ends").with("lock", seen);
            }
            long runId = acquisition.lease().get().runId();
            return runs.find(runId).map(run -> RestResponse.ResponseBuilder.accepted(run.orElseThrow())
                    .location(URI.create("/api/v1/sync/runs/" + runId))
                    .build());
        });
    }

    @GET
    @Path("status")
    @Operation(operationId = "getSyncStatus", summary = "Read the lock and the last run",
            description = "Role `sync-viewer` or `sync-admin`. `health` is READY, RUNNING, STALE (while the lock is "
                    + "takeable) or LAST_FAILED.")
    @APIResponse(responseCode = "200", description = "The lock, the last run and the count of runs",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Report.class)))
    public Uni<Report> status() {
        user.id();
        return status.current().map(SyncStatus.Snapshot::report);
    }

    @GET
    @Path("runs")
    @Operation(operationId = "listSyncRuns", summary = "List sync runs",
            description = "Role `sync-viewer` or `sync-admin`. The newest runs first.")
    @APIResponse(responseCode = "200", description = "The newest runs first",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.ARRAY, implementation = SyncRun.class)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    public Uni<List<SyncRun>> runs(@Parameter(description = "How many runs, 1 to " + MAX_RUNS + " (default " + DEFAULT_RUNS + ")",
            schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "" + MAX_RUNS, defaultValue = "" + DEFAULT_RUNS))
            @RestQuery String limit) {
        user.id();
        return runs.newest(limitOf(limit));
    }

    @GET
    @Path("runs/{id}")
    @Operation(operationId = "getSyncRun", summary = "Read a sync run", description = "Role `sync-viewer` or `sync-admin`.")
    @APIResponse(responseCode = "200", description = "The run",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SyncRun.class)))
    @APIResponse(responseCode = "404", ref = "NotFound")
    public Uni<SyncRun> run(@RestPath long id) {
        user.id();
        return runs.find(id).map(run -> run.orElseThrow(() -> new NotFound("No sync run " + id)));
    }

    /** Releases the lock if it is still held with the named token; the run is recorded as abandoned. */
    @POST
    @Path("lock/release")
    @RolesAllowed(ADMIN)
    @SecurityRequirement(name = "bearer", scopes = ADMIN)
    @Operation(operationId = "releaseSyncLock", summary = "Release a stuck lock",
            description = "Role `sync-admin`. Releases the lock only if it is still held with the token in the body; the "
                    + "run is recorded `abandoned`.")
    @APIResponse(responseCode = "200", description = "The lock, released",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = LockView.class)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "409", description = "The lock is not held with that token; nothing was released, `lock` shows it",
            content = @Content(mediaType = ProblemMapper.PROBLEM_JSON, schema = @Schema(ref = "Problem")))
    @APIResponse(responseCode = "413", ref = "PayloadTooLarge")
    @APIResponse(responseCode = "415", ref = "UnsupportedMediaType")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<LockView> release(@NotNull(message = "a body {\"token\": n} is required") @Valid ReleaseRequest body) {
        String operator = user.id();
        return lock.forceRelease(body.token(), "released by " + operator)
                .chain(released -> status.current().map(current -> {
                    if (!released) {
                        throw new Conflict("token-mismatch", "Token mismatch",
                                "The lock is not held with token " + body.token() + "; nothing was released")
                                .with("lock", current.report().lock());
                    }
                    return current.report().lock();
                }));
    }

    private static int limitOf(String limit) {
        if (limit == null) {
            return DEFAULT_RUNS;
        }
        try {
            int value = Integer.parseInt(limit.trim());
            if (value >= 1 && value <= MAX_RUNS) {
                return value;
            }
        } catch (NumberFormatException e) {
            // answered below, like any other bad value
        }
        throw InvalidInput.of("limit", "must be a whole number from 1 to " + MAX_RUNS);
    }
}
