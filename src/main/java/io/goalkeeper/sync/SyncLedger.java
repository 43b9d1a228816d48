package io.goalkeeper.sync;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.goalkeeper.sync.ChangeFeed.Change;
import io.goalkeeper.sync.ChangeFeed.Pushed;
import io.goalkeeper.sync.ChangeFeed.Rejected;
import io.goalkeeper.sync.ChangeFeed.Repoint;
import io.goalkeeper.sync.SyncTarget.PushResult;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * What the target holds, as the sync records it in {@code goal_sync_state}: every write is fenced. Its
 * transaction first holds the lock row, shared, while the run's token has a live lease, so a takeover
 * waits for it to end; a run that lost the lock gets {@link LeaseLost} and records nothing.
 */
@ApplicationScoped
public class SyncLedger {

    private static final String FENCE = """
            select 1 from sync_metadata
            where id = 'singleton' and status = 'running' and token = $1 and lease_until > clock_timestamp()
            for share""";

    /** Goals the target now holds at these versions, in these records. */
    private static final String PUSHED = """
            insert into goal_sync_state (goal_id, user_id, pushed_version, remote_id, pushed_at)
            select goal_id, user_id, version, remote_id, clock_timestamp()
            from unnest($1::uuid[], $2::text[], $3::bigint[], $4::text[]) as p(goal_id, user_id, version, remote_id)
            on conflict (goal_id) do update
                set user_id = excluded.user_id, pushed_version = excluded.pushed_version, remote_id = excluded.remote_id,
                    pushed_at = excluded.pushed_at, create_sent_at = null, rejected_version = null, rejected_error = null""";

    /**
     * Goals left pending for another record, or for none (to create); {@code may_exist} notes them as
     * creates that may have been sent, so a record is looked for first.
     */
    private static final String REPOINTED = """
            insert into goal_sync_state (goal_id, user_id, pushed_version, remote_id, pushed_at, create_sent_at)
            select goal_id, user_id, null, remote_id, clock_timestamp(), case when may_exist then clock_timestamp() end
            from unnest($1::uuid[], $2::text[], $3::text[], $4::boolean[]) as r(goal_id, user_id, remote_id, may_exist)
            on conflict (goal_id) do update
                set user_id = excluded.user_id, pushed_version = null, remote_id = excluded.remote_id,
                    pushed_at = excluded.pushed_at, create_sent_at = excluded.create_sent_at,
                    rejected_version = null, rejected_error = null""";

    /** A goal deleted and created again under its id is pushed as live: its tombstone goes. */
    private static final String RESURRECTED = """
            delete from goal_tombstones t
            where t.goal_id = any($1::uuid[]) and exists (select 1 from goals g where g.id = t.goal_id)""";

    private static final String REJECTED = """
            insert into goal_sync_state (goal_id, user_id, pushed_version, remote_id, pushed_at, rejected_version, rejected_error)
            select goal_id, user_id, null, null, clock_timestamp(), version, error
            from unnest($1::uuid[], $2::text[], $3::bigint[], $4::text[]) as r(goal_id, user_id, version, error)
            on conflict (goal_id) do update
                set rejected_version = excluded.rejected_version, rejected_error = excluded.rejected_error""";

    /** Deleted goals whose records are gone from the target: nothing is left to track. */
    private static final String FORGOTTEN = """
            with forgotten as (delete from goal_sync_state where goal_id = any($1::uuid[]))
            delete from goal_tombstones where goal_id = any($1::uuid[])""";

    /** Creates about to be sent: a run that dies before recording them leaves a trace. */
    private static final String CREATE_SENT = """
            insert into goal_sync_state (goal_id, user_id, pushed_version, remote_id, pushed_at, create_sent_at)
            select goal_id, user_id, null, null, clock_timestamp(), clock_timestamp()
            from unnest($1::uuid[], $2::text[]) as c(goal_id, user_id)
            on conflict (goal_id) do update set create_sent_at = excluded.create_sent_at
                where goal_sync_state.remote_id is null""";

    private static final String RECONCILED = "update sync_metadata set reconciled_at = clock_timestamp() where id = 'singleton'";

    @Inject
    Pool pool;

    /** Records what a batch achieved: goals pushed, repointed and refused, and deletions done. */
    public Uni<Void> record(long token, PushResult result) {
        List<UUID> live = new ArrayList<>(result.pushed().stream().map(Pushed::goalId).toList());
        live.addAll(result.repointed().stream().map(Repoint::goalId).toList());
        return fenced(token, connection -> Uni.combine().all().unis(
                write(connection, result.pushed(), PUSHED, Tuple.tuple()
                        .addArrayOfUUID(result.pushed().stream().map(Pushed::goalId).toArray(UUID[]::new))
                        .addArrayOfString(result.pushed().stream().map(Pushed::userId).toArray(String[]::new))
                        .addArrayOfLong(result.pushed().stream().map(Pushed::version).toArray(Long[]::new))
                        .addArrayOfString(result.pushed().stream().map(Pushed::remoteId).toArray(String[]::new))),
                repointed(connection, result.repointed()),
                write(connection, live, RESURRECTED, Tuple.of(live.toArray(UUID[]::new))),
                write(connection, result.rejected(), REJECTED, Tuple.tuple()
                        .addArrayOfUUID(result.rejected().stream().map(Rejected::goalId).toArray(UUID[]::new))
                        .addArrayOfString(result.rejected().stream().map(Rejected::userId).toArray(String[]::new))
                        .addArrayOfLong(result.rejected().stream().map(Rejected::version).toArray(Long[]::new))
                        .addArrayOfString(result.rejected().stream().map(Rejected::error).toArray(String[]::new))),
                write(connection, result.deleted(), FORGOTTEN, Tuple.of(result.deleted().toArray(UUID[]::new))))
                .discardItems());
    }

    /** Leaves goals pending for another record (or for none), as reconciliation finds them. */
    public Uni<Void> repoint(long token, List<Repoint> repointed) {
        return fenced(token, connection -> repointed(connection, repointed));
    }

    /** Notes that creates are about to be sent for these changes. */
    public Uni<Void> markCreateSent(long token, List<Change> creates) {
        return fenced(token, connection -> connection.preparedQuery(CREATE_SENT).execute(Tuple.tuple()
                .addArrayOfUUID(creates.stream().map(c -> c.goal().id()).toArray(UUID[]::new))
                .addArrayOfString(creates.stream().map(Change::userId).toArray(String[]::new))));
    }

    /** Notes that the target was compared with the goals now. */
    public Uni<Void> markReconciled(long token) {
        return fenced(token, connection -> connection.query(RECONCILED).execute());
    }

    private static Uni<?> repointed(SqlConnection connection, List<Repoint> repointed) {
        return write(connection, repointed, REPOINTED, Tuple.tuple()
                .addArrayOfUUID(repointed.stream().map(Repoint::goalId).toArray(UUID[]::new))
                .addArrayOfString(repointed.stream().map(Repoint::userId).toArray(String[]::new))
                .addArrayOfString(repointed.stream().map(Repoint::remoteId).toArray(String[]::new))
                .addArrayOfBoolean(repointed.stream().map(Repoint::mayExist).toArray(Boolean[]::new)));
    }

    /** One statement, skipped when it has nothing to write. */
    private static Uni<?> write(SqlConnection connection, List<?> items, String statement, Tuple parameters) {
        return items.isEmpty() ? Uni.createFrom().voidItem() : connection.preparedQuery(statement).execute(parameters);
    }

    /** {@code writes} in one transaction that holds the fence first; nothing is written without it. */
    private Uni<Void> fenced(long token, Function<SqlConnection, Uni<?>> writes) {
        return pool.withTransaction(connection -> Uni.combine().all()
                .unis(ChangeFeed.asSync(connection), connection.preparedQuery(FENCE).execute(Tuple.of(token)))
                .with((sync, fence) -> fence.size())
                .chain(held -> {
                    if (held == 0) {
                        throw new LeaseLost(token);
                    }
                    return writes.apply(connection);
                }))
                .replaceWithVoid();
    }
}
