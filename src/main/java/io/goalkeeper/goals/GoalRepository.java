package io.goalkeeper.goals;

import static io.goalkeeper.database.Rows.instant;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.goalkeeper.history.ChangeLog;
import io.goalkeeper.history.ChangeLog.Recording;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The SQL of the Goals API. Every statement runs inside {@link io.goalkeeper.database.UserTransactions},
 * so Row Level Security already limits it to one user; each names the user as well.
 */
@ApplicationScoped
class GoalRepository {

    private static final String GOAL_COLUMNS = """
            id, title, description, category, target_date, status, completed_at, milestones::text as milestones,
            version, created_at, updated_at""";

    /**
     * Locks the user's collection row for the rest of the transaction, creating it on first use. All
     * writes of one user take this lock first, so they are serialised and never deadlock.
     */
    private static final String LOCK_COLLECTION = """
            insert into user_collections as c (user_id) values ($1)
            on conflict (user_id) do update set version = c.version
            returning c.version, now() as now""";

    /** The collection's version and goals, in one statement: one snapshot, never half of a write. */
    private static final String READ_COLLECTION = """
            select c.version as collection_version, g.id, g.title, g.description, g.category, g.target_date,
                   g.status, g.completed_at, g.milestones::text as milestones, g.version, g.created_at, g.updated_at
            from (select coalesce((select version from user_collections where user_id = $1), 0) as version) c
            left join goals g on g.user_id = $1
            order by g.seq""";

    private static final String LIST_GOALS = "select " + GOAL_COLUMNS + " from goals where user_id = $1 order by seq";

    private static final String FIND_GOAL = "select " + GOAL_COLUMNS + " from goals where user_id = $1 and id = $2";

    private static final String COUNT_GOALS = "select count(*) as goals from goals where user_id = $1";

    private static final String INSERT_GOAL = movingTheVersion("""
            insert into goals (id, user_id, title, description, category, target_date, status, completed_at, milestones)
            values ($2, $1, $3, $4, $5, $6, $7, $8, $9::text::jsonb)
            on conflict (id) do nothing""", 10);

    private static final String UPDATE_GOAL = movingTheVersion("""
            update goals set title = $3, description = $4, category = $5, target_date = $6, status = $7,
                             completed_at = $8, milestones = $9::text::jsonb, version = version + 1, updated_at = now()
            where user_id = $1 and id = $2""", 10);

    /** A goal back under its id, at the version and with the creation time the restore gives it. */
    private static final String RESTORE_GOAL = movingTheVersion("""
            insert into goals (id, user_id, title, description, category, target_date, status, completed_at, milestones,
                               version, created_at)
            values ($2, $1, $3, $4, $5, $6, $7, $8, $9::text::jsonb, $10, $11)
            on conflict (id) do nothing""", 12);

    /**
     * One goal's write ({@code $1} the user), and when it wrote a row, the collection's next version and
     * the change set (its parameters from {@code $recording}), in one statement: the written goal and
     * {@code collection_version}, or no row.
     */
    private static String movingTheVersion(String write, int recording) {
        return """
                with written as (
                %s
                    returning %s
                ), bumped as (
                    update user_collections set version = version + 1
                    where user_id = $1 and exists (select 1 from written)
                    returning version
                ), %s
                select written.*, bumped.version as collection_version from written, bumped""".formatted(
                write.indent(4).stripTrailing(), GOAL_COLUMNS, ChangeLog.recorded(recording));
    }

    /**
     * A goal as the change log kept it at one version: the content before the change that made the
     * next version (the newest such change, should its id have been reused).
     */
    private static final String FIND_KEPT_VERSION = """
            select (goal->>'id')::uuid as id, goal->>'title' as title, goal->>'description' as description,
                   goal->>'category' as category, (goal->>'targetDate')::date as target_date, goal->>'status' as status,
                   (goal->>'completedAt')::timestamptz as completed_at, (goal->'milestones')::text as milestones,
                   (goal->>'version')::bigint as version, (goal->>'createdAt')::timestamptz as created_at,
                   (goal->>'updatedAt')::timestamptz as updated_at
            from (select c.before::json as goal
                  from change_sets s, unnest(s.goal_ids, s.versions, s.befores) as c(goal_id, version, before)
                  where s.user_id = $1 and $2 = any(s.goal_ids) and c.goal_id = $2 and c.version - 1 = $3
                    and c.before is not null
                  order by s.collection_version desc
                  limit 1) kept""";

    /** The highest version the change log holds of a goal (its deletion, for a deleted goal); 0 when none. */
    private static final String LAST_KEPT_VERSION = """
            select coalesce(max(c.version), 0) as version
            from change_sets s, unnest(s.goal_ids, s.versions) as c(goal_id, version)
            where s.user_id = $1 and $2 = any(s.goal_ids) and c.goal_id = $2""";

    /**
     * The tombstones of the goals in {@code deleted}, for the sync. A tombstone may already exist for
     * the id: this user's, from an earlier delete not yet pushed, or another user's, if the id was
     * freed and taken again. Either way the goal's record is to be deleted, so the old one stands;
     * updating it could meet a row that Row Level Security hides, which patched servers refuse.
     */
    private static final String BURY = """
            insert into goal_tombstones (goal_id, user_id) select id, $1 from deleted
                on conflict (goal_id) do nothing""";

    /** Deletes a goal, leaves a tombstone for the sync and records the change set, in one statement. */
    private static final String DELETE_GOAL = """
            with deleted as (
                delete from goals where user_id = $1 and id = $2 returning id
            ), tombstones as (
                %s
            ), bumped as (
                update user_collections set version = version + 1
                where user_id = $1 and exists (select 1 from deleted)
                returning version
            ), %s
            select version as collection_version from bumped""".formatted(BURY, ChangeLog.recorded(3));

    /**
     * Replace-all's writes in one statement: update the user's changed goals, insert the new ones,
     * delete the missing ones and leave their tombstones for the sync, count the change and record it. An id that
     * another user owns is invisible here (Row Level Security), so it goes to the insert, which skips
     * it without a word; the caller compares the ids that come back with the ids it sent. No upsert
     * may ever meet another user's row with {@code DO UPDATE}: patched PostgreSQL releases (15.20,
     * 16.16, 17.12, 18.7) raise an error when the conflicting row fails the update policy.
     */
    private static final String REPLACE_GOALS = """
            with input as (
                select *
                from unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::date[], $7::text[],
                            $8::timestamptz[], $9::text[])
                     with ordinality as i(id, title, description, category, target_date, status, completed_at,
                                          milestones, ord)
            ), updated as (
                update goals as g
                set title = i.title, description = i.description, category = i.category,
                    target_date = i.target_date, status = i.status, completed_at = i.completed_at,
                    milestones = i.milestones::jsonb, version = g.version + 1, updated_at = now()
                from input i
                where g.user_id = $1 and g.id = i.id
                returning g.id, g.version, g.created_at, g.updated_at
            ), inserted as (
                insert into goals (id, user_id, title, description, category, target_date, status, completed_at,
                                   milestones)
                select i.id, $1, i.title, i.description, i.category, i.target_date, i.status, i.completed_at,
                       i.milestones::jsonb
                from input i
                where not exists (select 1 from goals g where g.id = i.id)
                order by i.ord
                on conflict (id) do nothing
                returning id, version, created_at, updated_at
            ), deleted as (
                delete from goals where user_id = $1 and id = any($10::uuid[]) returning id
            ), tombstones as (
                %s
            ), bumped as (
                update user_collections set version = version + 1 where user_id = $1 returning version
            ), %s
            select bumped.version as collection_version, w.id, w.version, w.created_at, w.updated_at
            from bumped left join (select * from updated union all select * from inserted) w on true""".formatted(
            BURY, ChangeLog.recorded(11));

    /** The collection row, locked; {@code now} is the transaction's time, for completion times. */
    record Lock(long collectionVersion, Instant now) {
    }

    /** What replace-all's write gave each changed goal. */
    record Written(UUID id, long version, Instant createdAt, Instant updatedAt) {
    }

    record WriteResult(long collectionVersion, List<Written> goals) {
    }

    Uni<Lock> lockCollection(SqlConnection connection, String userId) {
        return connection.preparedQuery(LOCK_COLLECTION).execute(Tuple.of(userId))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return new Lock(row.getLong("version"), instant(row, "now"));
                });
    }

    Uni<GoalCollection> readCollection(SqlConnection connection, String userId) {
        return connection.preparedQuery(READ_COLLECTION).execute(Tuple.of(userId))
                .map(rows -> {
                    long version = 0;
                    List<Goal> goals = new ArrayList<>();
                    for (Row row : rows) {
                        version = row.getLong("collection_version");
                        if (row.getUUID("id") != null) {
                            goals.add(GoalRows.goal(row));
                        }
                    }
                    return new GoalCollection(version, List.copyOf(goals));
                });
    }

    Uni<List<Goal>> listGoals(SqlConnection connection, String userId) {
        return connection.preparedQuery(LIST_GOALS).execute(Tuple.of(userId)).map(GoalRepository::goals);
    }

    Uni<Optional<Goal>> findGoal(SqlConnection connection, String userId, UUID id) {
        return connection.preparedQuery(FIND_GOAL).execute(Tuple.of(userId, id))
                .map(rows -> goals(rows).stream().findFirst());
    }

    Uni<Long> countGoals(SqlConnection connection, String userId) {
        return connection.preparedQuery(COUNT_GOALS).execute(Tuple.of(userId))
                .map(rows -> rows.iterator().next().getLong("goals"));
    }

    /** Inserts a goal; empty when its id is already taken (by this user or another). */
    Uni<Optional<Versioned<Goal>>> insertGoal(SqlConnection connection, String userId, UUID id, GoalContent content,
            Recording recording) {
        return connection.preparedQuery(INSERT_GOAL)
                .execute(ChangeLog.addRecording(contentTuple(userId, id, content), recording))
                .map(GoalRepository::versionedGoal);
    }

    /** Inserts a goal that a restore brings back; empty when its id is taken (by another user). */
    Uni<Optional<Versioned<Goal>>> restoreGoal(SqlConnection connection, String userId, Goal goal,
            Recording recording) {
        Tuple parameters = contentTuple(userId, goal.id(), goal.content())
                .addLong(goal.version())
                .addOffsetDateTime(offset(goal.createdAt()));
        return connection.preparedQuery(RESTORE_GOAL).execute(ChangeLog.addRecording(parameters, recording))
                .map(GoalRepository::versionedGoal);
    }

    Uni<Optional<Goal>> findKeptVersion(SqlConnection connection, String userId, UUID id, long version) {
        return connection.preparedQuery(FIND_KEPT_VERSION).execute(Tuple.of(userId, id, version))
                .map(rows -> goals(rows).stream().findFirst());
    }

    Uni<Long> lastKeptVersion(SqlConnection connection, String userId, UUID id) {
        return connection.preparedQuery(LAST_KEPT_VERSION).execute(Tuple.of(userId, id))
                .map(rows -> rows.iterator().next().getLong("version"));
    }

    Uni<Versioned<Goal>> updateGoal(SqlConnection connection, String userId, UUID id, GoalContent content,
            Recording recording) {
        return connection.preparedQuery(UPDATE_GOAL)
                .execute(ChangeLog.addRecording(contentTuple(userId, id, content), recording))
                .map(rows -> versionedGoal(rows).orElseThrow(
                        () -> new IllegalStateException("A goal locked by its user vanished: " + id)));
    }

    /** Deletes a goal; the collection's new version, or empty if there was no such goal. */
    Uni<Optional<Long>> deleteGoal(SqlConnection connection, String userId, UUID id, Recording recording) {
        return connection.preparedQuery(DELETE_GOAL).execute(ChangeLog.addRecording(Tuple.of(userId, id), recording))
                .map(rows -> rows.size() == 0 ? Optional.empty()
                        : Optional.of(rows.iterator().next().getLong("collection_version")));
    }

    Uni<WriteResult> replaceGoals(SqlConnection connection, String userId, List<UUID> ids, List<GoalContent> contents,
            List<UUID> deletions, Recording recording) {
        int n = ids.size();
        String[] titles = new String[n];
        String[] descriptions = new String[n];
        String[] categories = new String[n];
        LocalDate[] targetDates = new LocalDate[n];
        String[] statuses = new String[n];
        OffsetDateTime[] completedAts = new OffsetDateTime[n];
        String[] milestones = new String[n];
        for (int i = 0; i < n; i++) {
            GoalContent content = contents.get(i);
            titles[i] = content.title();
            descriptions[i] = content.description();
            categories[i] = content.category();
            targetDates[i] = content.targetDate();
            statuses[i] = content.status();
            completedAts[i] = offset(content.completedAt());
            milestones[i] = GoalJson.milestonesText(content.milestones());
        }
        Tuple parameters = Tuple.tuple()
                .addString(userId)
                .addArrayOfUUID(ids.toArray(UUID[]::new))
                .addArrayOfString(titles)
                .addArrayOfString(descriptions)
                .addArrayOfString(categories)
                .addArrayOfLocalDate(targetDates)
                .addArrayOfString(statuses)
                .addArrayOfOffsetDateTime(completedAts)
                .addArrayOfString(milestones)
                .addArrayOfUUID(deletions.toArray(UUID[]::new));
        return connection.preparedQuery(REPLACE_GOALS).execute(ChangeLog.addRecording(parameters, recording)).map(rows -> {
            long collectionVersion = 0;
            List<Written> written = new ArrayList<>();
            for (Row row : rows) {
                collectionVersion = row.getLong("collection_version");
                if (row.getUUID("id") != null) {
                    written.add(new Written(row.getUUID("id"), row.getLong("version"), instant(row, "created_at"),
                            instant(row, "updated_at")));
                }
            }
            return new WriteResult(collectionVersion, written);
        });
    }

    /** A value with the collection version its write produced. */
    record Versioned<T>(T value, long collectionVersion) {
    }

    private static Tuple contentTuple(String userId, UUID id, GoalContent content) {
        return Tuple.tuple()
                .addString(userId)
                .addUUID(id)
                .addString(content.title())
                .addString(content.description())
                .addString(content.category())
                .addLocalDate(content.targetDate())
                .addString(content.status())
                .addOffsetDateTime(offset(content.completedAt()))
                .addString(GoalJson.milestonesText(content.milestones()));
    }

    private static Optional<Versioned<Goal>> versionedGoal(RowSet<Row> rows) {
        if (rows.size() == 0) {
            return Optional.empty();
        }
        Row row = rows.iterator().next();
        return Optional.of(new Versioned<>(GoalRows.goal(row), row.getLong("collection_version")));
    }

    private static List<Goal> goals(RowSet<Row> rows) {
        List<Goal> goals = new ArrayList<>(rows.size());
        for (Row row : rows) {
            goals.add(GoalRows.goal(row));
        }
        return goals;
    }


    private static OffsetDateTime offset(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
