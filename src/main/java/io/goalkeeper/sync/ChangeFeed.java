package io.goalkeeper.sync;

import java.time.Duration;
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

    /** Updates first, then creates, so a batch can be cut down to one kind of write. */
    private static final String PENDING_CHANGES = """
            select g.id, g.user_id, g.title, g.description, g.category, g.target_date, g.status, g.completed_at,
                   g.milestones::text as milestones, g.version, g.created_at, g.updated_at, s.remote_id,
                   s.remote_id is null and s.create_sent_at is not null as create_sent
            from goals g
            left join goal_sync_state s on s.goal_id = g.id
            where (s.goal_id is null or s.pushed_version is distinct from g.version
                   -- deleted and created again under the same id: its version may match the old one's
                   or exists (select 1 from goal_tombstones t where t.goal_id = g.id))
              and s.rejected_version is distinct from g.version
            order by s.remote_id is null, g.seq
            limit $1""";

    private static final String PENDING_DELETIONS = """
            select t.goal_id, t.user_id, s.remote_id,
                   s.remote_id is null and s.create_sent_at is not null as create_sent
            from goal_tombstones t
            left join goal_sync_state s on s.goal_id = t.goal_id
            where not exists (select 1 from goals g where g.id = t.goal_id)
            order by t.deleted_at
            limit $1""";

    /** Holds the lock row (shared) while the run's token has a live lease; empty otherwise. */
    private static final String FENCE = """
            with fence as (
                select token from sync_metadata
                where id = 'singleton' and status = 'running' and token = $1 and lease_until > clock_timestamp()
                for share
            )""";

    /**
     * Records a batch as pushed, only while the run's token holds a live lease. {@code for share} keeps
     * the lock row from changing hands until this transaction ends, so a takeover waits for it. A null
     * version leaves the goal pending (to push again to the record named, or to create when none is;
     * {@code may_exist} notes it as a create that may have been sent, so a record is looked for first).
     */
    private static final String MARK_PUSHED = FENCE + """
            , pushed as (
                insert into goal_sync_state (goal_id, user_id, pushed_version, remote_id, pushed_at, create_sent_at)
                select p.goal_id, p.user_id, p.version, p.remote_id, clock_timestamp(),
                       case when p.may_exist then clock_timestamp() end
                from unnest($2::uuid[], $3::text[], $4::bigint[], $5::text[], $11::boolean[])
                    as p(goal_id, user_id, version, remote_id, may_exist)
                where exists (select 1 from fence)
                on conflict (goal_id) do update
                    set user_id = excluded.user_id, pushed_version = excluded.pushed_version,
                        remote_id = excluded.remote_id, pushed_at = excluded.pushed_at,
                        create_sent_at = excluded.create_sent_at, rejected_version = null, rejected_error = null
            ), resurrected as (
                delete from goal_tombstones t
                where t.goal_id = any($2::uuid[]) and exists (select 1 from goals g where g.id = t.goal_id)
                  and exists (select 1 from fence)
            ), rejected as (
                insert into goal_sync_state (goal_id, user_id, pushed_version, remote_id, pushed_at, rejected_version, rejected_error)
                select r.goal_id, r.user_id, null, null, clock_timestamp(), r.version, r.error
                from unnest($7::uuid[], $8::text[], $9::bigint[], $10::text[]) as r(goal_id, user_id, version, error)
                where exists (select 1 from fence)
                on conflict (goal_id) do update
                    set rejected_version = excluded.rejected_version, rejected_error = excluded.rejected_error
            ), forgotten as (
                delete from goal_sync_state where goal_id = any($6::uuid[]) and exists (select 1 from fence)
            ), buried as (
                delete from goal_tombstones where goal_id = any($6::uuid[]) and exists (select 1 from fence)
            )
            select count(*) as fenced from fence""";

    /** Notes that creates are about to be sent for these goals, so a run that dies before recording them leaves a trace. */
    private static final String MARK_CREATE_SENT = FENCE + """
            , sent as (
                insert into goal_sync_state (goal_id, user_id, pushed_version, remote_id, pushed_at, create_sent_at)
                select p.goal_id, p.user_id, null, null, clock_timestamp(), clock_timestamp()
                from unnest($2::uuid[], $3::text[]) as p(goal_id, user_id)
                where exists (select 1 from fence)
                on conflict (goal_id) do update set create_sent_at = excluded.create_sent_at
                    where goal_sync_state.remote_id is null
            )
            select count(*) as fenced from fence""";

    private static final String MARK_RECONCILED = FENCE + """
            , reconciled as (
                update sync_metadata set reconciled_at = clock_timestamp()
                where id = 'singleton' and exists (select 1 from fence)
            )
            select count(*) as fenced from fence""";

    private static final String RECONCILIATION_DUE = """
            select reconciled_at is null or reconciled_at <= clock_timestamp() - make_interval(secs => $1) as due
            from sync_metadata where id = 'singleton'""";

    private static final String TRACKED_GOALS = """
            select g.id, g.user_id, g.title, g.description, g.category, g.target_date, g.status, g.completed_at,
                   g.milestones::text as milestones, g.version, g.created_at, g.updated_at, s.remote_id, s.pushed_version
            from goals g
            left join goal_sync_state s on s.goal_id = g.id
            where g.id = any($1::uuid[])""";

    private static final String REMOTE_IDS = """
            select goal_id, user_id, remote_id from goal_sync_state where remote_id is not null""";

    /**
     * A goal to create or update in the target; {@code remoteId} is null until it was first pushed.
     * {@code createSent}: a create was sent for it before and never recorded, so a record may exist.
     */
    public record Change(Goal goal, String userId, String remoteId, boolean createSent) {
        public Change(Goal goal, String userId, String remoteId) {
            this(goal, userId, remoteId, false);
        }
    }

    /**
     * A deleted goal to remove from the target; {@code remoteId} is null if it never reached it, or if
     * its create was sent and never recorded ({@code createSent}): then a record may exist.
     */
    public record Deletion(UUID goalId, String userId, String remoteId, boolean createSent) {
        public Deletion(UUID goalId, String userId, String remoteId) {
            this(goalId, userId, remoteId, false);
        }
    }

    public record Batch(List<Change> changes, List<Deletion> deletions) {
        public boolean isEmpty() {
            return changes.isEmpty() && deletions.isEmpty();
        }
    }

    /** A goal the target now holds at this version. */
    public record Pushed(UUID goalId, String userId, long version, String remoteId) {
    }

    /**
     * A goal to push again, to the record named ({@code remoteId}), or as a new one when that is null;
     * {@code mayExist}: a record of it may exist all the same, so one is looked for before creating.
     */
    public record Repoint(UUID goalId, String userId, String remoteId, boolean mayExist) {
        public Repoint(UUID goalId, String userId, String remoteId) {
            this(goalId, userId, remoteId, false);
        }
    }

    /** A goal the target refused at this version, and its reason; it waits until the goal changes. */
    public record Rejected(UUID goalId, String userId, long version, String error) {
    }

    /** A goal with what was last pushed of it; {@code pushedVersion} is null while it is pending. */
    public record Tracked(Goal goal, String userId, String remoteId, Long pushedVersion) {
    }

    /** A goal's record in the target. */
    public record RemoteRecord(UUID goalId, String userId, String remoteId) {
    }

    @Inject
    Pool pool;

    /**
     * Up to {@code limit} changes of one kind (updates before creates) and {@code limit} deletions,
     * oldest first.
     */
    public Uni<Batch> next(int limit) {
        return pool.withTransaction(connection -> Uni.combine().all()
                .unis(asSync(connection),
                        connection.preparedQuery(PENDING_CHANGES).execute(Tuple.of(limit)),
                        connection.preparedQuery(PENDING_DELETIONS).execute(Tuple.of(limit)))
                .with((sync, changeRows, deletionRows) -> {
                    List<Change> changes = new ArrayList<>();
                    for (Row row : changeRows) {
                        Change change = new Change(GoalRows.goal(row), row.getString("user_id"), row.getString("remote_id"),
                                row.getBoolean("create_sent"));
                        if (!changes.isEmpty() && (changes.get(0).remoteId() == null) != (change.remoteId() == null)) {
                            break;
                        }
                        changes.add(change);
                    }
                    List<Deletion> deletions = new ArrayList<>();
                    for (Row row : deletionRows) {
                        deletions.add(new Deletion(row.getUUID("goal_id"), row.getString("user_id"),
                                row.getString("remote_id"), row.getBoolean("create_sent")));
                    }
                    return new Batch(List.copyOf(changes), List.copyOf(deletions));
                }));
    }

    /**
     * Records what the target now holds, in one transaction that checks the run still holds its
     * token; fails with {@link LeaseLost} and records nothing otherwise.
     */
    public Uni<Void> markPushed(long token, List<Pushed> pushed, List<UUID> deleted) {
        return markPushed(token, pushed, deleted, List.of(), List.of());
    }

    /**
     * As {@link #markPushed(long, List, List)}; also leaves the repointed goals pending for their new
     * record, and sets the rejected goals aside until they change.
     */
    public Uni<Void> markPushed(long token, List<Pushed> pushed, List<UUID> deleted, List<Repoint> repointed,
            List<Rejected> rejected) {
        List<UUID> goals = new ArrayList<>();
        List<String> users = new ArrayList<>();
        List<Long> versions = new ArrayList<>();
        List<String> remoteIds = new ArrayList<>();
        List<Boolean> mayExist = new ArrayList<>();
        for (Pushed p : pushed) {
            goals.add(p.goalId());
            users.add(p.userId());
            versions.add(p.version());
            remoteIds.add(p.remoteId());
            mayExist.add(false);
        }
        for (Repoint r : repointed) {
            goals.add(r.goalId());
            users.add(r.userId());
            versions.add(null);
            remoteIds.add(r.remoteId());
            mayExist.add(r.mayExist());
        }
        Tuple parameters = Tuple.tuple()
                .addLong(token)
                .addArrayOfUUID(goals.toArray(UUID[]::new))
                .addArrayOfString(users.toArray(String[]::new))
                .addArrayOfLong(versions.toArray(Long[]::new))
                .addArrayOfString(remoteIds.toArray(String[]::new))
                .addArrayOfUUID(deleted.toArray(UUID[]::new))
                .addArrayOfUUID(rejected.stream().map(Rejected::goalId).toArray(UUID[]::new))
                .addArrayOfString(rejected.stream().map(Rejected::userId).toArray(String[]::new))
                .addArrayOfLong(rejected.stream().map(Rejected::version).toArray(Long[]::new))
                .addArrayOfString(rejected.stream().map(Rejected::error).toArray(String[]::new))
                .addArrayOfBoolean(mayExist.toArray(Boolean[]::new));
        return fenced(token, MARK_PUSHED, parameters);
    }

    /** Notes, fenced, that creates are about to be sent for these changes. */
    public Uni<Void> markCreateSent(long token, List<Change> creates) {
        return fenced(token, MARK_CREATE_SENT, Tuple.tuple()
                .addLong(token)
                .addArrayOfUUID(creates.stream().map(c -> c.goal().id()).toArray(UUID[]::new))
                .addArrayOfString(creates.stream().map(Change::userId).toArray(String[]::new)));
    }

    /** Notes, fenced, that the target was compared with the goals now. */
    public Uni<Void> markReconciled(long token) {
        return fenced(token, MARK_RECONCILED, Tuple.of(token));
    }

    /** Whether the last comparison of the whole target is older than {@code every}, or never happened. */
    public Uni<Boolean> reconciliationDue(Duration every) {
        return pool.withConnection(connection -> connection.preparedQuery(RECONCILIATION_DUE)
                .execute(Tuple.of((double) every.toSeconds()))
                .map(rows -> rows.iterator().next().getBoolean("due")));
    }

    /** These goals, of any user, with what was last pushed of them; goals that no longer exist are left out. */
    public Uni<List<Tracked>> tracked(List<UUID> goalIds) {
        return pool.withTransaction(connection -> asSync(connection)
                .chain(() -> connection.preparedQuery(TRACKED_GOALS)
                        .execute(Tuple.of(goalIds.toArray(UUID[]::new))))
                .map(rows -> {
                    List<Tracked> tracked = new ArrayList<>();
                    for (Row row : rows) {
                        tracked.add(new Tracked(GoalRows.goal(row), row.getString("user_id"), row.getString("remote_id"),
                                row.getLong("pushed_version")));
                    }
                    return tracked;
                }));
    }

    /** Every goal, live or deleted, that has a record in the target. */
    public Uni<List<RemoteRecord>> remoteRecords() {
        return pool.withConnection(connection -> connection.query(REMOTE_IDS).execute()
                .map(rows -> {
                    List<RemoteRecord> records = new ArrayList<>();
                    for (Row row : rows) {
                        records.add(new RemoteRecord(row.getUUID("goal_id"), row.getString("user_id"),
                                row.getString("remote_id")));
                    }
                    return records;
                }));
    }

    private Uni<Void> fenced(long token, String statement, Tuple parameters) {
        return pool.withTransaction(connection -> Uni.combine().all()
                .unis(asSync(connection), connection.preparedQuery(statement).execute(parameters))
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
