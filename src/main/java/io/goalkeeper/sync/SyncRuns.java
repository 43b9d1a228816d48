package io.goalkeeper.sync;

import java.time.Instant;
import java.time.OffsetDateTime;
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
            id, token, holder, trigger, started_at, finished_at, outcome, taken_over_from, created, updated,
            deleted, error""";

    @Inject
    Pool pool;

    /** The newest runs first. */
    public Uni<List<SyncRun>> newest(int limit) {
        return execute("select " + COLUMNS + " from sync_runs order by id desc limit $1", Tuple.of(limit))
                .map(SyncRuns::runs);
    }

    public Uni<Optional<SyncRun>> find(long id) {
        return execute("select " + COLUMNS + " from sync_runs where id = $1", Tuple.of(id))
                .map(rows -> runs(rows).stream().findFirst());
    }

    /** On a connection of its own, for the reason {@link LeaseLock} gives. */
    private Uni<RowSet<Row>> execute(String sql, Tuple parameters) {
        return pool.withConnection(connection -> connection.preparedQuery(sql).execute(parameters));
    }

    private static List<SyncRun> runs(RowSet<Row> rows) {
        List<SyncRun> runs = new ArrayList<>();
        for (Row row : rows) {
            runs.add(new SyncRun(row.getLong("id"), row.getLong("token"), row.getString("holder"),
                    row.getString("trigger"), instant(row, "started_at"), instant(row, "finished_at"),
                    row.getString("outcome"), row.getString("taken_over_from"), row.getInteger("created"),
                    row.getInteger("updated"), row.getInteger("deleted"), row.getString("error")));
        }
        return runs;
    }

    private static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }
}
