package io.goalkeeper.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** Direct SQL on the service's own pool (its role, no superuser), for checking what is stored. */
public final class Db {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Db() {
    }

    /** The user's goals as "id|title|version", oldest first, read with that user's setting (as the service reads). */
    public static List<String> goalsOf(Pool pool, String user) {
        return pool.withTransaction(connection -> connection
                .preparedQuery("select set_config('goalkeeper.user_id', $1, true)").execute(Tuple.of(user))
                .chain(() -> connection.preparedQuery("select id, title, version from goals where user_id = $1 order by seq")
                        .execute(Tuple.of(user))))
                .map(rows -> {
                    List<String> goals = new ArrayList<>();
                    for (Row row : rows) {
                        goals.add(row.getUUID("id") + "|" + row.getString("title") + "|" + row.getLong("version"));
                    }
                    return goals;
                })
                .await().atMost(TIMEOUT);
    }

    /** Runs statements without any user setting (simple protocol, several statements allowed). */
    public static void execute(Pool pool, String sql) {
        pool.query(sql).execute().await().atMost(TIMEOUT);
    }

    /** Puts the sync lock back to idle, as tests that take it start from. */
    public static void idleSyncLock(Pool pool) {
        execute(pool, "update sync_metadata set status = 'idle', holder = null, lease_until = null where id = 'singleton'");
    }

    public static long count(Pool pool, String sql) {
        return pool.query(sql).execute().await().atMost(TIMEOUT).iterator().next().getLong(0);
    }
}
