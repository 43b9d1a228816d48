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
 * policy; what a run pushed is recorded through the {@link SyncLedger}.
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

    /**
     * A goal to create or update in the target; {@code remoteId} is null until it was first pushed.
     * {@code createSent}: a create was sent for it before and never recorded, so a record may exist.
     */
    public record Change(Goal goal, String userId, String remoteId, boolean createSent) {
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
     * Lets the rest of {@code connection}'s transaction read every user's goals and tombstones, and
     * clear tombstones (the sync's policies); it can still write no goal.
     */
    public static Uni<?> asSync(SqlConnection connection) {
        return connection.query(AS_SYNC).execute();
    }
}
