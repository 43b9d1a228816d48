package io.goalkeeper.sync;

import static io.goalkeeper.database.Rows.instant;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/** The run history: written by {@link LeaseLock}'s statements, read here. */
@ApplicationScoped
public class SyncRuns {

    private static final String COLUMNS = """
            id, token, holder, trigger, started_at, finished_at, outcome, taken_over_from, takeover_reason, created,
            updated, deleted, error, stop_reason""";

    /**
     * The newest runs that failed in a row, and how long ago (database time) the newest of them ended.
     * Runs stopped by a replica's shutdown and runs taken over from a dead replica say nothing about
     * the target, so they are passed over.
     */
    private static final String FAILURE_STREAK = """
            with recent as (
                select outcome, finished_at, row_number() over (order by id desc) as position
                from (select id, outcome, finished_at from sync_runs
                      where outcome <> 'abandoned' and stop_reason is distinct from 'shutdown'
                      order by id desc limit 16) as counted
            )
            select count(*) filter (where outcome = 'failed' and position < coalesce(
                       (select min(position) from recent where outcome <> 'failed'), 17)) as failures,
                   (select extract(epoch from clock_timestamp() - finished_at) from recent where position = 1) as since_end
            from recent""";

    /** Runs that failed in a row (at most 16 are looked at), and the time since the newest ended (null: none did). */
    public record FailureStreak(int failures, Duration sinceLastEnd) {
    }

    @Inject
    Pool pool;

    public Uni<FailureStreak> failureStreak() {
        return execute(FAILURE_STREAK, Tuple.tuple()).map(rows -> {
            Row row = rows.iterator().next();
            Double since = row.getDouble("since_end");
            return new FailureStreak(row.getInteger("failures"),
                    since == null ? null : Duration.ofMillis(Math.round(since * 1000)));
        });
    }

    /** The newest runs first. */
    public Uni<List<SyncRun>> newest(int limit) {
        return execute("select " + COLUMNS + " from sync_runs order by id desc limit $1", Tuple.of(limit))
                .map(SyncRuns::runs);
    }

    public Uni<Optional<SyncRun>> find(long id) {
        return execute("select " + COLUMNS + " from sync_runs where id = $1", Tuple.of(id))
                .map(rows -> runs(rows).stream().findFirst());
    }

    /**
     * Each statement on a connection of its own rather than through {@code Pool#preparedQuery}: that
     * path leaves its acquisition timer running when the database cannot be reached, and the timer
     * later fails with "Result is already complete" (eclipse-vertx/vertx-sql-client#1706).
     */
    private Uni<RowSet<Row>> execute(String sql, Tuple parameters) {
        return pool.withConnection(connection -> connection.preparedQuery(sql).execute(parameters));
    }

    private static List<SyncRun> runs(RowSet<Row> rows) {
        List<SyncRun> runs = new ArrayList<>();
        for (Row row : rows) {
            runs.add(new SyncRun(row.getLong("id"), row.getLong("token"), row.getString("holder"),
                    Labelled.of(Trigger.class, row.getString("trigger")), instant(row, "started_at"),
                    instant(row, "finished_at"), Labelled.of(RunOutcome.class, row.getString("outcome")),
                    row.getString("taken_over_from"), Labelled.of(TakeoverReason.class, row.getString("takeover_reason")),
                    row.getInteger("created"), row.getInteger("updated"), row.getInteger("deleted"),
                    row.getString("error"), Labelled.of(StopReason.class, row.getString("stop_reason"))));
        }
        return runs;
    }
}
