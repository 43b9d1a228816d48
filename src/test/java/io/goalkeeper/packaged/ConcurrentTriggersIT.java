package io.goalkeeper.packaged;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.goalkeeper.support.Eventually;
import io.goalkeeper.support.PostgresForProcesses;
import io.goalkeeper.support.ServiceProcess;
import io.goalkeeper.support.Tokens;

/**
 * Three packaged replicas on one database, four clients triggering syncs on them as fast as they are
 * answered for 15 s while a user keeps editing a goal, and every replica ticking each second besides. The
 * history must show no two succeeded runs overlapping in time (a run starts when its lock was really
 * taken), and every 409 must carry the lock as the refused acquisition saw it, naming its holder.
 */
class ConcurrentTriggersIT {

    private static final Logger LOG = Logger.getLogger(ConcurrentTriggersIT.class);
    private static final int REPLICAS = 3;
    private static final int CLIENTS = 4;
    private static final Duration HAMMER = Duration.ofSeconds(15);
    private static final Duration EDIT_PACE = Duration.ofMillis(100);
    private static final Duration READY = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static PostgresForProcesses postgres;

    @BeforeAll
    static void database() throws Exception {
        postgres = PostgresForProcesses.start("goalkeeper_triggers");
    }

    @AfterAll
    static void stopDatabase() throws IOException {
        postgres.close();
    }

    @Test
    void succeededRunsNeverOverlapAndEvery409NamesTheLockItMet() throws Exception {
        String admin = Tokens.syncAdmin(Tokens.newUser());
        List<ServiceProcess> replicas = new ArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS + 1);
        try {
            for (int i = 0; i < REPLICAS; i++) {
                replicas.add(ServiceProcess.start(replica("hammered-" + i)));
            }
            for (ServiceProcess replica : replicas) {
                replica.awaitReady(READY);
            }
            String editor = Tokens.forUser(Tokens.newUser());
            String goal = JSON.readTree(replicas.get(0).post("/api/v1/goals", editor, "{\"title\": \"edited\"}").body())
                    .get("id").asText();

            long until = System.nanoTime() + HAMMER.toNanos();
            List<Integer> statuses = new CopyOnWriteArrayList<>();
            List<JsonNode> conflicts = new CopyOnWriteArrayList<>();
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                running.add(clients.submit(() -> {
                    for (int i = 0; System.nanoTime() < until; i++) {
                        HttpResponse<String> answer = replicas.get((client + i) % REPLICAS).post("/api/v1/sync", admin, null);
                        statuses.add(answer.statusCode());
                        if (answer.statusCode() == 409) {
                            conflicts.add(JSON.readTree(answer.body()));
                        }
                    }
                    return null;
                }));
            }
            running.add(clients.submit(() -> {
                // Paced, so that runs find a change now and then rather than an endless stream of them.
                for (int i = 0; System.nanoTime() < until; i++) {
                    replicas.get(i % REPLICAS).put("/api/v1/goals/" + goal, editor, "{\"title\": \"edit " + i + "\"}");
                    Thread.sleep(EDIT_PACE.toMillis());
                }
                return null;
            }));
            for (Future<?> client : running) {
                client.get(HAMMER.toSeconds() + 60, TimeUnit.SECONDS);
            }

            Eventually.until("the last run ends", Duration.ofSeconds(60), () -> count(
                    "select (select count(*) from sync_runs where outcome = 'running')"
                            + " + (select count(*) from sync_metadata where status = 'running')") == 0);
            long accepted = statuses.stream().filter(status -> status == 202).count();
            LOG.infof("%d triggers: %d accepted, %d conflicts, others %s", statuses.size(), accepted, conflicts.size(),
                    statuses.stream().filter(status -> status != 202 && status != 409).toList());
            assertThat(statuses).as("every trigger was answered 202 or 409").allMatch(status -> status == 202 || status == 409);
            assertThat(accepted).isGreaterThan(10);
            assertThat(conflicts).as("triggers met a running sync").hasSizeGreaterThan(10);
            for (JsonNode conflict : conflicts) {
                JsonNode lock = conflict.get("lock");
                assertThat(lock).as("409 without a lock: %s", conflict).isNotNull();
                for (String member : List.of("status", "holder", "token", "startedAt", "heartbeatAt", "leaseUntil", "stale")) {
                    assertThat(lock.hasNonNull(member)).as("the 409's lock has %s: %s", member, conflict).isTrue();
                }
                assertThat(lock.get("status").asText()).isEqualTo("running");
                assertThat(lock.get("holder").asText()).startsWith("hammered-");
                assertThat(conflict.get("detail").asText()).contains(lock.get("holder").asText());
            }
            assertNoSucceededRunsOverlap();
        } finally {
            clients.shutdownNow();
            for (ServiceProcess replica : replicas) {
                replica.close();
            }
        }
    }

    private void assertNoSucceededRunsOverlap() throws Exception {
        try (Connection connection = postgres.superuser(); Statement statement = connection.createStatement();
                ResultSet runs = statement.executeQuery("""
                        select id, token, started_at, finished_at from sync_runs where outcome = 'succeeded'
                        order by started_at""")) {
            Timestamp previousEnd = null;
            long previous = 0;
            int succeeded = 0;
            while (runs.next()) {
                succeeded++;
                if (previousEnd != null) {
                    assertThat(runs.getTimestamp("started_at")).as("run %d started before run %d ended", runs.getLong("id"), previous)
                            .isAfterOrEqualTo(previousEnd);
                }
                previousEnd = runs.getTimestamp("finished_at");
                previous = runs.getLong("id");
            }
            assertThat(succeeded).isGreaterThan(10);
        }
    }

    private long count(String sql) {
        try (Connection connection = postgres.superuser(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static Map<String, String> replica(String instance) {
        Map<String, String> environment = new HashMap<>(postgres.environment());
        environment.put("MP_JWT_VERIFY_PUBLICKEY_LOCATION", Path.of("dev/jwt/public.pem").toAbsolutePath().toString());
        environment.put("GOALKEEPER_INSTANCE_ID", instance);
        environment.put("GOALKEEPER_SYNC_INTERVAL", "1s");
        environment.put("GOALKEEPER_SYNC_LEASE", "30s");
        environment.put("GOALKEEPER_SYNC_DRY_RUN_PAUSE", "5ms");
        return environment;
    }
}
