package io.goalkeeper.sync;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.goalkeeper.goals.Goal;
import io.goalkeeper.goals.GoalRows;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * What the sync has yet to push: goals whose version differs from the one last pushed, and goals
 * deleted since (their tombstones). Reads see every user's goals through the sync's read-only
 * policy; what a run records as pushed is fenced by its token.
 */
@ApplicationScoped
public class ChangeFeed {

    private static final String AS_SYNC = "select set_config('goalkeeper.sync', 'on', true)";

    private static final String PENDING_CHANGES = """
            select g.id, g.user_id, g.title, g.description, g.category, g.target_date, g.status, g.completed_at,
                   g.milestones, g.version, g.created_at, g.updated_at, s.remote_id
            from goals g
            left join goal_sync_state s on s.goal_id = g.id
            where s.goal_id is null or s.pushed_version <> g.version
            order by g.seq
            limit $1""";

    private static final String PENDING_DELETIONS = """
            select t.goal_id, t.user_id, s.remote_id
            from goal_tombstones t
            left join goal_sync_state s on s.goal_id = t.goal_id
            where not exists (select 1 from goals g where g.id = t.goal_id)
            order by t.deleted_at
            limit $1""";

    /**
     * Records a batch as pushed, only while the run's token holds a live lease. {@code for share} keeps
     * the lock row from changing hands until this transaction ends, so a takeover waits for it.
     */
    private static final String MARK_PUSHED = """
            with fence as (
                select token from sync_metadata
                where id = 'singleton' and status = 'running' and token = $1 and lease_until > clock_timestamp()
                for share
            ), pushed as (
                insert into goal_sync_state (goal_id, user_id, pushed_version, remote_id, pushed_at)
                select p.goal_id, p.user_id, p.version, p.remote_id, clock_timestamp()
                from unnest($2::uuid[], $3::text[], $4::bigint[], $5::text[]) as p(goal_id, user_id, version, remote_id)
                where exists (select 1 from fence)
                on conflict (goal_id) do update
                    set user_id = excluded.user_id, pushed_version = excluded.pushed_version,
                        remote_id = excluded.remote_id, pushed_at = excluded.pushed_at
            ), forgotten as (
                delete from goal_sync_state where goal_id = any($6::uuid[]) and exists (select 1 from fence)
            ), buried as (
                delete from goal_tombstones where goal_id = any($6::uuid[]) and exists (select 1 from fence)
            )
            select count(*) as fenced from fence""";

    /** A goal to create or update in the target; {@code remoteId} is null until it was first pushed. */
    public record Change(Goal goal, String userId, String remoteId) {
    }

    /** A deleted goal to remove from the target; {@code remoteId} is null if it never reached it. */
    public record Deletion(UUID goalId, String userId, String remoteId) {
    }

    public record Batch(List<Change> changes, List<Deletion> deletions) {
        public boolean isEmpty() {
            return changes.isEmpty() && deletions.isEmpty();
        }
    }

    /** A goal the target now holds at this version. */
    public record Pushed(UUID goalId, String userId, long version, String remoteId) {
    }

    @Inject
    Pool pool;

    /** Up to {@code limit} changes and {@code limit} deletions, oldest first. */
    public Uni<Batch> next(int limit) {
        return pool.withTransaction(connection -> Uni.combine().all()
                .unis(asSync(connection),
                        connection.preparedQuery(PENDING_CHANGES).execute(Tuple.of(limit)),
                        connection.preparedQuery(PENDING_DELETIONS).execute(Tuple.of(limit)))
                .with((sync, changeRows, deletionRows) -> {
                    List<Change> changes = new ArrayList<>();
                    for (Row row : changeRows) {
                        changes.add(new Change(GoalRows.goal(row), row.getString("user_id"), row.getString("remote_id")));
                    }
                    List<Deletion> deletions = new ArrayList<>();
                    for (Row row : deletionRows) {
                        deletions.add(new Deletion(row.getUUID("goal_id"), row.getString("user_id"),
                                row.getString("remote_id")));
                    }
                    return new Batch(List.copyOf(changes), List.copyOf(deletions));
                }));
    }

    /**
     * Records what the target now holds, in one transaction that checks the run still holds its
     * token; fails with {@link LeaseLost} and records nothing otherwise.
     */
    public Uni<Void> markPushed(long token, List<Pushed> pushed, List<UUID> deleted) {
        Tuple parameters = Tuple.tuple()
                .addLong(token)
                .addArrayOfUUID(pushed.stream().map(Pushed::goalId).toArray(UUID[]::new))
                .addArrayOfString(pushed.stream().map(Pushed::userId).toArray(String[]::new))
                .addArrayOfLong(pushed.stream().map(Pushed::version).toArray(Long[]::new))
                .addArrayOfString(pushed.stream().map(Pushed::remoteId).toArray(String[]::new))
                .addArrayOfUUID(deleted.toArray(UUID[]::new));
        return pool.withTransaction(connection -> Uni.combine().all()
                .unis(asSync(connection), connection.preparedQuery(MARK_PUSHED).execute(parameters))
                .with((sync, rows) -> rows.iterator().next().getLong("fenced")))
                .invoke(fenced -> {
                    if (fenced == 0) {
                        throw new LeaseLost(token);
                    }
                })
                .replaceWithVoid();
    }

    private static Uni<?> asSync(SqlConnection connection) {
        return connection.query(AS_SYNC).execute();
    }
}
