package io.goalkeeper.smartsuite;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.goalkeeper.goals.Goal;
import io.goalkeeper.goals.GoalRows;
import io.goalkeeper.sync.ChangeFeed;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** What reconciliation reads of the sync's records: which goals have a record, and when the table was last compared. */
@ApplicationScoped
public class RemoteRecords {

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

    /** A goal with what was last pushed of it; {@code pushedVersion} is null while it is pending. */
    public record Tracked(Goal goal, String userId, String remoteId, Long pushedVersion) {
    }

    /** A goal's record in the target. */
    public record RemoteRecord(UUID goalId, String userId, String remoteId) {
    }

    @Inject
    Pool pool;

    /** Whether the last comparison of the whole target is older than {@code every}, or never happened. */
    public Uni<Boolean> reconciliationDue(Duration every) {
        return pool.withConnection(connection -> connection.preparedQuery(RECONCILIATION_DUE)
                .execute(Tuple.of((double) every.toSeconds()))
                .map(rows -> rows.iterator().next().getBoolean("due")));
    }

    /** These goals, of any user, with what was last pushed of them; goals that no longer exist are left out. */
    public Uni<List<Tracked>> tracked(List<UUID> goalIds) {
        return pool.withTransaction(connection -> ChangeFeed.asSync(connection)
                .chain(() -> connection.preparedQuery(TRACKED_GOALS).execute(Tuple.of(goalIds.toArray(UUID[]::new))))
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
    public Uni<List<RemoteRecord>> all() {
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
}
