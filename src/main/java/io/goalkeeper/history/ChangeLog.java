package io.goalkeeper.history;

import static io.goalkeeper.database.Rows.instant;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.goalkeeper.goals.GoalRows;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The SQL of the change log. Every statement runs inside {@link io.goalkeeper.database.UserTransactions},
 * so Row Level Security already limits it to one user; each names the user as well.
 */
@ApplicationScoped
public class ChangeLog {

    /** The channel every replica listens on; what a notification says is {@link ChangeNotifier}'s. */
    public static final String CHANNEL = "goal_changes";

    /**
     * A write's change set, one row, as a common table expression of the write's own statement: as a
     * statement of its own, sent beside the write, it cost replace-all more than the row itself (README,
     * "Change history" under "Benchmark"). The statement names the user {@code $1} and has a table
     * expression {@code bumped} that returns the collection's new {@code version}; without a row there,
     * nothing is recorded. {@code %1$d} is the first of the set's parameters ({@link #addRecording}).
     * {@link ChangeNotifier} announces it once committed.
     */
    private static final String RECORDED = """
            recorded as (
                insert into change_sets (user_id, collection_version, at, by, request, goal_ids, kinds, versions, befores)
                select $1, version, clock_timestamp(), $1, $%1$d, $%2$d, $%3$d, $%4$d, $%5$d from bumped
            )""";

    /** The columns of {@code goals} as {@link GoalRows} reads them: a goal's content after its newest change. */
    private static final String GOAL_COLUMNS = """
            g.id, g.title, g.description, g.category, g.target_date, g.status, g.completed_at,
            g.milestones::text as milestones, g.version, g.created_at, g.updated_at""";

    /**
     * The sets after a version, oldest first, with what is kept and the current version, in one
     * statement: one snapshot, so a prune cannot slip between the horizon and the sets, nor a write
     * between a set and the goals after it. A change's goal after is what the goal's next change kept
     * as before ({@code later}), or the goal as it is now when there was none.
     */
    private static final String SINCE = """
            with state as (
                select coalesce((select kept_after from history_horizons where user_id = $1), 0) as kept_after,
                       coalesce((select version from user_collections where user_id = $1), 0) as current_version
            ), sets as (
                select collection_version, at, by, request, goal_ids, kinds, versions, befores
                from change_sets where user_id = $1 and collection_version > $2
                order by collection_version limit $3
            ), changes as (
                select s.collection_version, s.at, s.by, s.request, c.goal_id, c.kind, c.version as change_version,
                       c.before, c.ord
                from sets s,
                     unnest(s.goal_ids, s.kinds, s.versions, s.befores) with ordinality as c(goal_id, kind, version, before, ord)
            )
            select state.kept_after, state.current_version, c.collection_version, c.at, c.by, c.request, c.goal_id,
                   c.kind, c.change_version, c.before, later.collection_version as later_version,
                   later.before as later_before, %s
            from state
            left join changes c on true
            left join lateral (
                select n.collection_version, n.befores[array_position(n.goal_ids, c.goal_id)] as before
                from change_sets n
                where c.kind <> 'deleted' and n.user_id = $1 and n.collection_version > c.collection_version
                  and c.goal_id = any(n.goal_ids)
                order by n.collection_version
                limit 1
            ) later on true
            left join goals g on later.collection_version is null and c.kind <> 'deleted'
                             and g.user_id = $1 and g.id = c.goal_id
            order by c.collection_version, c.ord""".formatted(GOAL_COLUMNS);

    /** One goal's changes, newest first, each with the goal after it as {@link #SINCE} finds it. */
    private static final String HISTORY = """
            with changes as (
                select s.collection_version, s.at, s.by, s.request, c.kind, c.version as change_version, c.before,
                       lead(c.before) over later as later_before,
                       lead(s.collection_version) over later as later_version
                from change_sets s, unnest(s.goal_ids, s.kinds, s.versions, s.befores) as c(goal_id, kind, version, before)
                where s.user_id = $1 and $2 = any(s.goal_ids) and c.goal_id = $2
                window later as (order by s.collection_version)
            )
            select c.collection_version, c.at, c.by, c.request, c.kind, c.change_version, c.before, c.later_version,
                   c.later_before, %s
            from changes c
            left join goals g on c.later_version is null and c.kind <> 'deleted' and g.user_id = $1 and g.id = $2
            order by c.collection_version desc
            limit $3""".formatted(GOAL_COLUMNS);

    /**
     * Deletions that no later change of the same goal (a restore, a new goal under its id) undid, with
     * the content before them; the newest change of each goal is found from the small columns, so only
     * the deletions' sets have their contents read.
     */
    private static final String DELETED = """
            with newest as (
                select distinct on (c.goal_id) s.collection_version, c.goal_id, c.kind, c.version, c.ord
                from change_sets s, unnest(s.goal_ids, s.kinds, s.versions) with ordinality as c(goal_id, kind, version, ord)
                where s.user_id = $1
                order by c.goal_id, s.collection_version desc
            )
            select n.goal_id, n.version, n.collection_version, s.at, s.by, s.befores[n.ord] as goal
            from newest n
            join change_sets s on s.user_id = $1 and s.collection_version = n.collection_version
            where n.kind = 'deleted'
            order by n.collection_version desc
            limit $2""";

    /** What is kept after a version: the sets, and whether the ones before them are all there. */
    public record Page(long keptAfter, long currentVersion, List<ChangeSet> sets) {
    }

    /** A write's change set: {@code changes} must not be empty. */
    public record Recording(String request, List<RecordedChange> changes) {
    }

    /** The table expression that records a change set, its parameters numbered from {@code first}. */
    public static String recorded(int first) {
        return RECORDED.formatted(first, first + 1, first + 2, first + 3, first + 4);
    }

    /** Adds a change set's parameters for {@link #recorded}, in its order. */
    public static Tuple addRecording(Tuple parameters, Recording recording) {
        List<RecordedChange> changes = recording.changes();
        int n = changes.size();
        UUID[] ids = new UUID[n];
        String[] kinds = new String[n];
        Long[] versions = new Long[n];
        String[] befores = new String[n];
        for (int i = 0; i < n; i++) {
            RecordedChange change = changes.get(i);
            ids[i] = change.goalId();
            kinds[i] = change.kind().value();
            versions[i] = change.version();
            befores[i] = change.before();
        }
        return parameters
                .addString(recording.request())
                .addArrayOfUUID(ids)
                .addArrayOfString(kinds)
                .addArrayOfLong(versions)
                .addArrayOfString(befores);
    }

    public Uni<Page> since(SqlConnection connection, String userId, long since, int limit) {
        return connection.preparedQuery(SINCE).execute(Tuple.of(userId, since, limit)).map(ChangeLog::page);
    }

    public Uni<List<GoalVersion>> history(SqlConnection connection, String userId, UUID goalId, int limit) {
        return connection.preparedQuery(HISTORY).execute(Tuple.of(userId, goalId, limit)).map(rows -> {
            List<GoalVersion> versions = new ArrayList<>(rows.size());
            for (Row row : rows) {
                ChangeKind kind = ChangeKind.of(row.getString("kind"));
                versions.add(new GoalVersion(goalId, row.getLong("change_version"), kind,
                        row.getLong("collection_version"), instant(row, "at"), row.getString("by"),
                        row.getString("request"), after(row, kind), row.getString("before")));
            }
            return versions;
        });
    }

    public Uni<List<DeletedGoal>> deleted(SqlConnection connection, String userId, int limit) {
        return connection.preparedQuery(DELETED).execute(Tuple.of(userId, limit)).map(rows -> {
            List<DeletedGoal> deleted = new ArrayList<>(rows.size());
            for (Row row : rows) {
                deleted.add(new DeletedGoal(row.getUUID("goal_id"), row.getLong("version"),
                        row.getLong("collection_version"), instant(row, "at"), row.getString("by"), row.getString("goal")));
            }
            return deleted;
        });
    }

    private static Page page(RowSet<Row> rows) {
        long keptAfter = 0;
        long current = 0;
        List<ChangeSet> sets = new ArrayList<>();
        Long setVersion = null;
        Instant at = null;
        String by = null;
        String request = null;
        List<Change> changes = new ArrayList<>();
        for (Row row : rows) {
            keptAfter = row.getLong("kept_after");
            current = row.getLong("current_version");
            Long version = row.getLong("collection_version");
            if (version == null) {
                continue;
            }
            if (!version.equals(setVersion)) {
                if (setVersion != null) {
                    sets.add(new ChangeSet(setVersion, at, by, request, List.copyOf(changes)));
                }
                setVersion = version;
                at = instant(row, "at");
                by = row.getString("by");
                request = row.getString("request");
                changes = new ArrayList<>();
            }
            ChangeKind kind = ChangeKind.of(row.getString("kind"));
            changes.add(new Change(row.getUUID("goal_id"), kind, row.getLong("change_version"), after(row, kind),
                    row.getString("before")));
        }
        if (setVersion != null) {
            sets.add(new ChangeSet(setVersion, at, by, request, List.copyOf(changes)));
        }
        return new Page(keptAfter, current, List.copyOf(sets));
    }

    /**
     * A change's goal after it, from a row of {@link #SINCE} or {@link #HISTORY}: none after a deletion,
     * the next change's before when there was one, else the goal now.
     */
    private static String after(Row row, ChangeKind kind) {
        if (kind == ChangeKind.DELETED) {
            return null;
        }
        if (row.getLong("later_version") != null) {
            return row.getString("later_before");
        }
        return row.getUUID("id") == null ? null : GoalRows.text(row);
    }
}
