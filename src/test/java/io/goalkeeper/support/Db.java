package io.goalkeeper.support;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.microprofile.config.ConfigProvider;

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

    /**
     * Puts the sync lock back to idle, as tests that take it start from, and closes the run it named as
     * an operator's release would: a run left {@code running} under an idle lock would never end.
     */
    public static void idleSyncLock(Pool pool) {
        execute(pool, """
                with idled as (
                    update sync_metadata set status = 'idle', holder = null, lease_until = null,
                        holder_session_token = null, holder_pid = null
                    where id = 'singleton' and status = 'running'
                    returning run_id
                )
                update sync_runs set outcome = 'abandoned', stop_reason = 'released', error = 'released by a test',
                    finished_at = clock_timestamp()
                where id = (select run_id from idled) and outcome = 'running'""");
    }

    /**
     * A superuser connection to the service's database, for what the service's role may not do: the
     * same server and database, as {@code postgres} (the embedded server's superuser; the CI server
     * trusts it on its loopback address).
     */
    public static Connection superuser() throws SQLException {
        URI url = URI.create(ConfigProvider.getConfig().getValue("quarkus.datasource.reactive.url", String.class));
        return DriverManager.getConnection("jdbc:postgresql://" + url.getHost() + ":" + url.getPort() + url.getPath(),
                System.getProperty("goalkeeper.test.superuser", "postgres"), null);
    }

    /** Ends a database session from the server's side, as a crash of its client or an operator would; waits until it has. */
    public static boolean terminate(int pid) {
        try (Connection connection = superuser();
                PreparedStatement statement = connection.prepareStatement("select pg_terminate_backend(?, 5000)")) {
            statement.setInt(1, pid);
            try (ResultSet result = statement.executeQuery()) {
                return result.next() && result.getBoolean(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not terminate session " + pid, e);
        }
    }

    public static long count(Pool pool, String sql) {
        return pool.query(sql).execute().await().atMost(TIMEOUT).iterator().next().getLong(0);
    }
}
