package io.goalkeeper.packaged;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.goalkeeper.support.Eventually;
import io.goalkeeper.support.PostgresForProcesses;
import io.goalkeeper.support.ServiceProcess;
import io.goalkeeper.support.Tokens;

/**
 * SIGTERM to the packaged jar in the middle of a sync and of a stream of writes: readiness goes down
 * first, writes keep being served during the delay, the sync stops and gives its lock back, every
 * write that got a 2xx is in the database, and the process exits within its grace.
 */
class GracefulShutdownIT {

    private static final Logger LOG = Logger.getLogger(GracefulShutdownIT.class);
    private static final Duration READY = Duration.ofSeconds(90);
    /** The configured delay (5 s) and drain timeout (20 s), plus the sync's 10 s to give its lock back. */
    private static final Duration GRACE = Duration.ofSeconds(35);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static PostgresForProcesses postgres;

    @BeforeAll
    static void database() throws Exception {
        postgres = PostgresForProcesses.start("goalkeeper_shutdown");
    }

    @AfterAll
    static void stopDatabase() throws IOException {
        postgres.close();
    }

    @Test
    void sigtermTakesReadinessDownFinishesWritesReleasesTheLockAndExitsWithinTheGrace() throws Exception {
        Map<String, String> environment = new HashMap<>(postgres.environment());
        environment.put("MP_JWT_VERIFY_PUBLICKEY_LOCATION", Path.of("dev/jwt/public.pem").toAbsolutePath().toString());
        environment.put("GOALKEEPER_INSTANCE_ID", "stopping");
        environment.put("GOALKEEPER_SYNC_INTERVAL", "off");
        environment.put("GOALKEEPER_SYNC_LEASE", "60s");
        environment.put("GOALKEEPER_SYNC_BATCH_SIZE", "5");
        environment.put("GOALKEEPER_SYNC_DRY_RUN_PAUSE", "1s");
        String syncUser = Tokens.syncAdmin(Tokens.newUser());

        try (ServiceProcess service = ServiceProcess.start(environment).awaitReady(READY)) {
            StringBuilder goals = new StringBuilder("[");
            for (int i = 0; i < 60; i++) {
                goals.append(i == 0 ? "" : ",").append("{\"title\": \"goal ").append(i).append("\"}");
            }
            assertThat(service.put("/api/v1/goals", syncUser, goals.append("]").toString()).statusCode()).isEqualTo(200);
            assertThat(service.post("/api/v1/sync", syncUser, null).statusCode()).isEqualTo(202);

            List<String> acknowledged = new CopyOnWriteArrayList<>();
            AtomicBoolean writing = new AtomicBoolean(true);
            Thread writes = new Thread(() -> {
                String writer = null;
                for (int i = 0; writing.get(); i++) {
                    // A new user every 100 writes stays clear of the 500-goal limit.
                    writer = i % 100 == 0 ? Tokens.forUser(Tokens.newUser()) : writer;
                    try {
                        HttpResponse<String> created = service.post("/api/v1/goals", writer, "{\"title\": \"write " + i + "\"}");
                        if (created.statusCode() / 100 == 2) {
                            acknowledged.add(JSON.readTree(created.body()).get("id").asText());
                        }
                    } catch (IOException refusedOnceStopped) {
                        // after the delay the port closes: those writes were never acknowledged
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "writes");
            writes.start();
            Eventually.until("writes are acknowledged while the sync runs", Duration.ofSeconds(30), () -> {
                try {
                    return acknowledged.size() >= 20 && JSON.readTree(service.get("/api/v1/sync/status", syncUser).body())
                            .get("lock").get("status").asText().equals("running");
                } catch (IOException | InterruptedException e) {
                    throw new AssertionError(e);
                }
            });

            long sent = System.nanoTime();
            service.process().destroy();
            long readinessDown = -1;
            while (service.process().isAlive() && readinessDown < 0) {
                try {
                    if (service.get("/q/health/ready", null).statusCode() == 503) {
                        readinessDown = (System.nanoTime() - sent) / 1_000_000;
                    }
                } catch (IOException closed) {
                    break;
                }
            }
            int duringDelay = acknowledged.size();
            boolean exited = service.process().waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS);
            long exitedAfter = (System.nanoTime() - sent) / 1_000_000;
            writing.set(false);
            writes.join();
            LOG.infof("SIGTERM: readiness DOWN after %d ms, exit after %d ms, %d writes acknowledged", readinessDown,
                    exitedAfter, acknowledged.size());

            assertThat(readinessDown).as("readiness went DOWN while the process still served").isBetween(0L, 2_000L);
            assertThat(exited).as("exited within the grace").isTrue();
            assertThat(acknowledged.size()).as("writes kept being served during the delay").isGreaterThan(duringDelay);
            assertThat(service.output()).contains("Sync run 1 failed: aborted: the replica shut down; lock released");
            try (Connection connection = postgres.superuser(); Statement statement = connection.createStatement()) {
                ResultSet lock = statement.executeQuery("select status from sync_metadata where id = 'singleton'");
                assertThat(lock.next()).isTrue();
                assertThat(lock.getString("status")).isEqualTo("idle");
                ResultSet run = statement.executeQuery("select outcome, stop_reason from sync_runs where id = 1");
                assertThat(run.next()).isTrue();
                assertThat(run.getString("outcome")).isEqualTo("failed");
                assertThat(run.getString("stop_reason")).isEqualTo("shutdown");
                assertThat(count(statement, "select count(*) from goals where id::text = any('{" + String.join(",", acknowledged)
                        + "}'::text[])")).as("every acknowledged write is stored").isEqualTo(acknowledged.size());
            }
        }
    }

    private static long count(Statement statement, String sql) throws SQLException {
        try (ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
