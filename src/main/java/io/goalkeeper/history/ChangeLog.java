package io.goalkeeper.history;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

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

    /** The channel every replica listens on; a notification's payload is {@code <user>:<collection version>}. */
    public static final String CHANNEL = "goal_changes";

    /** A write's change set and its changes, in one statement. {@link ChangeNotifier} announces it once committed. */
    private static final String RECORD = """
            with change_set as (
                insert into change_sets (user_id, collection_version, at, by, request)
                values ($1, $2, clock_timestamp(), $1, $3)
            )
            insert into goal_changes (user_id, collection_version, goal_id, kind, version, goal, before)
            select $1, $2, c.goal_id, c.kind, c.version, c.goal::json, c.before::json
            from unnest($4::uuid[], $5::text[], $6::bigint[], $7::text[], $8::text[])
                 as c(goal_id, kind, version, goal, before)""";

    /**
     * The sets after a version, oldest first, with what is kept and the current version, in one
     * statement: one snapshot, so a prune cannot slip between the horizon and the sets.
     */
    private static final String SINCE = """
            with state as (
                select coalesce((select kept_after from history_horizons where user_id = $1), 0) as kept_after,
                       coalesce((select version from user_collections where user_id = $1), 0) as current_version
            ), sets as (
                select * from change_sets where user_id = $1 and collection_version > $2
                order by collection_version limit $3
            )
            select state.kept_after, state.current_version, s.collection_version, s.at, s.by, s.request,
                   c.goal_id, c.kind, c.version, c.goal::text as goal, c.before::text as before
            from state
            left join sets s on true
            left join goal_changes c on c.user_id = $1 and c.collection_version = s.collection_version
            order by s.collection_version, c.goal_id""";

    private static final String HISTORY = """
            select c.goal_id, c.version, c.kind, c.collection_version, s.at, s.by, s.request,
                   c.goal::text as goal, c.before::text as before
            from goal_changes c
            join change_sets s on s.user_id = c.user_id and s.collection_version = c.collection_version
            where c.user_id = $1 and c.goal_id = $2
            order by c.collection_version desc
            limit $3""";

    /** Deletions that no later change of the same goal (a restore, a new goal under its id) undid. */
    private static final String DELETED = """
            select c.goal_id, c.version, c.collection_version, s.at, s.by, c.before::text as goal
            from goal_changes c
            join change_sets s on s.user_id = c.user_id and s.collection_version = c.collection_version
            where c.user_id = $1 and c.kind = 'deleted'
              and not exists (select 1 from goal_changes later
                              where later.user_id = $1 and later.goal_id = c.goal_id
                                and later.collection_version > c.collection_version)
            order by c.collection_version desc
            limit $2""";

    /** What is kept after a version: the sets, and whether the ones before them are all there. */
    public record Page(long keptAfter, long currentVersion, List<ChangeSet> sets) {
    }

    /** Records a write's change set; {@code changes} must not be empty. */
    public Uni<Void> record(SqlConnection connection, String userId, long collectionVersion, String request,
            List<RecordedChange> changes) {
        int n = changes.size();
        UUID[] ids = new UUID[n];
        String[] kinds = new String[n];
        Long[] versions = new Long[n];
        String[] goals = new String[n];
        String[] befores = new String[n];
        for (int i = 0; i < n; i++) {
            RecordedChange change = changes.get(i);
            ids[i] = change.goalId();
            kinds[i] = change.kind().value();
            versions[i] = change.version();
            goals[i] = change.goal();
            befores[i] = change.before();
        }
        Tuple parameters = Tuple.tuple()
                .addString(userId)
                .addLong(collectionVersion)
                .addString(request)
                .addArrayOfUUID(ids)
                .addArrayOfString(kinds)
                .addArrayOfLong(versions)
                .addArrayOfString(goals)
                .addArrayOfString(befores);
        return connection.preparedQuery(RECORD).execute(parameters).replaceWithVoid();
    }

    public Uni<Page> since(SqlConnection connection, String userId, long since, int limit) {
        return connection.preparedQuery(SINCE).execute(Tuple.of(userId, since, limit)).map(ChangeLog::page);
    }

    public Uni<List<GoalVersion>> history(SqlConnection connection, String userId, UUID goalId, int limit) {
        return connection.preparedQuery(HISTORY).execute(Tuple.of(userId, goalId, limit)).map(rows -> {
            List<GoalVersion> versions = new ArrayList<>(rows.size());
            for (Row row : rows) {
                versions.add(new GoalVersion(row.getUUID("goal_id"), row.getLong("version"),
                        ChangeKind.of(row.getString("kind")), row.getLong("collection_version"), instant(row, "at"),
                        row.getString("by"), row.getString("request"), row.getString("goal"), row.getString("before")));
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
            changes.add(new Change(row.getUUID("goal_id"), ChangeKind.of(row.getString("kind")), row.getLong("version"),
                    row.getString("goal"), row.getString("before")));
        }
        if (setVersion != null) {
            sets.add(new ChangeSet(setVersion, at, by, request, List.copyOf(changes)));
        }
        return new Page(keptAfter, current, List.copyOf(sets));
    }

    private static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }
}
