package io.goalkeeper.packaged;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.goalkeeper.support.PostgresForProcesses;
import io.goalkeeper.support.ServiceProcess;
import io.goalkeeper.support.Tokens;

/**
 * Replicas as separate JVMs of the packaged jar on one database, with a short lease: a holder killed
 * with SIGKILL is taken over when its lease runs out (holder sessions off, as behind a transaction
 * pooler; {@link HolderSessionIT} covers them on), a holder stopped with SIGTERM gives the lock back at
 * once, and a lock left stuck by hand shows in the health check until the next trigger recovers it.
 */
class PackagedSyncIT {

    private static final Logger LOG = Logger.getLogger(PackagedSyncIT.class);
    private static final Duration LEASE = Duration.ofSeconds(3);
    private static final Duration INTERVAL = Duration.ofSeconds(1);
    private static final Duration READY = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static PostgresForProcesses postgres;
    private final String token = Tokens.syncAdmin(Tokens.newUser());

    @BeforeAll
    static void database() throws Exception {
        postgres = PostgresForProcesses.start("goalkeeper_replicas");
    }

    @AfterAll
    static void stopDatabase() throws IOException {
        postgres.close();
    }

    @Test
    void aKilledHolderIsTakenOverAndAStoppedHolderReleasesTheLockAtOnce() throws Exception {
        try (ServiceProcess a = ServiceProcess.start(leaseAlone(replica("replica-a", "off"))).awaitReady(READY)) {
            assertThat(a.output()).contains("holder session off (GOALKEEPER_SYNC_HOLDER_SESSION)");
            // 300 goals in batches of 5, each batch taking a second: a run of about a minute, which
            // replica B's start does not outlast; B checks it below rather than assume it.
            StringBuilder goals = new StringBuilder("[");
            for (int i = 0; i < 300; i++) {
                goals.append(i == 0 ? "" : ",").append("{\"title\": \"goal ").append(i).append("\"}");
            }
            assertThat(a.put("/api/v1/goals", token, goals.append("]").toString()).statusCode()).isEqualTo(200);
            HttpResponse<String> triggered = a.post("/api/v1/sync", token, null);
            assertThat(triggered.statusCode()).isEqualTo(202);
            JsonNode runA = JSON.readTree(triggered.body());
            String holderA = runA.get("holder").asText();
            assertThat(holderA).startsWith("replica-a-");

            try (ServiceProcess b = ServiceProcess.start(leaseAlone(replica("replica-b", "1s"))).awaitReady(READY)) {
                JsonNode held = lock(b);
                assertThat(held.get("status").asText()).as("A still holds the lock mid-run: %s", held).isEqualTo("running");
                assertThat(held.get("holder").asText()).isEqualTo(holderA);
                assertThat(held.get("stale").asBoolean()).isFalse();

                long killed = System.nanoTime();
                a.kill();
                JsonNode takenOver = await(b, lock -> lock.get("holder").asText().startsWith("replica-b-"),
                        LEASE.plus(INTERVAL).plus(Duration.ofSeconds(3)));
                Duration takeover = Duration.ofNanos(System.nanoTime() - killed);
                LOG.infof("Replica B took over %d ms after replica A was killed (lease %s, interval %s)",
                        takeover.toMillis(), LEASE, INTERVAL);
                assertThat(takeover).isLessThanOrEqualTo(LEASE.plus(INTERVAL).plus(Duration.ofSeconds(3)));

                JsonNode deadRun = JSON.readTree(b.get("/api/v1/sync/runs/" + runA.get("id").asLong(), token).body());
                assertThat(deadRun.get("outcome").asText()).isEqualTo("abandoned");
                JsonNode status = JSON.readTree(b.get("/api/v1/sync/status", token).body());
                assertThat(status.get("lastRun").get("takenOverFrom").asText()).isEqualTo(holderA);
                assertThat(status.get("lastRun").get("takeoverReason").asText()).isEqualTo("lease-expired");
                long runB = status.get("lastRun").get("id").asLong();
                assertThat(takenOver.get("status").asText()).isEqualTo("running");

                assertThat(b.terminate(Duration.ofSeconds(30))).as("B stops within the grace").isTrue();
                try (Connection connection = postgres.superuser(); Statement statement = connection.createStatement()) {
                    ResultSet lock = statement.executeQuery("select status, holder from sync_metadata");
                    assertThat(lock.next()).isTrue();
                    assertThat(lock.getString("status")).as("released at SIGTERM").isEqualTo("idle");
                    ResultSet run = statement.executeQuery("select outcome, stop_reason from sync_runs where id = " + runB);
                    assertThat(run.next()).isTrue();
                    assertThat(run.getString("outcome")).isEqualTo("failed");
                    assertThat(run.getString("stop_reason")).isEqualTo("shutdown");
                }
            }
        }
    }

    @Test
    void aLockStuckByHandShowsInTheHealthCheckAndTheNextTriggerRecoversIt() throws Exception {
        try (ServiceProcess c = ServiceProcess.start(replica("replica-c", "off")).awaitReady(READY)) {
            try (Connection connection = postgres.superuser(); Statement statement = connection.createStatement()) {
                statement.executeUpdate("""
                        update sync_metadata
                        set status = 'running', holder = 'edge-function', token = token + 1,
                            run_id = nextval('sync_run_ids'), last_sync_started_at = now() - interval '1 hour',
                            heartbeat_at = now() - interval '1 hour', lease_until = now() - interval '55 minutes'
                        where id = 'singleton'""");
            }
            HttpResponse<String> unwell = c.get("/q/health/well", null);
            assertThat(unwell.statusCode()).isEqualTo(503);
            JsonNode check = syncLockCheck(unwell);
            assertThat(check.get("status").asText()).isEqualTo("DOWN");
            assertThat(check.get("data").get("stale").asBoolean()).isTrue();
            assertThat(check.get("data").get("holder").asText()).isEqualTo("edge-function");
            assertThat(check.get("data").get("ageSeconds").asLong()).isGreaterThanOrEqualTo(3600);
            assertThat(c.get("/q/health/ready", null).statusCode()).isEqualTo(200);

            HttpResponse<String> triggered = c.post("/api/v1/sync", token, null);
            assertThat(triggered.statusCode()).isEqualTo(202);
            assertThat(JSON.readTree(triggered.body()).get("takenOverFrom").asText()).isEqualTo("edge-function");
            await(c, lock -> lock.get("status").asText().equals("idle"), Duration.ofSeconds(30));
            HttpResponse<String> well = c.get("/q/health/well", null);
            assertThat(well.statusCode()).isEqualTo(200);
            assertThat(syncLockCheck(well).get("status").asText()).isEqualTo("UP");
        }
    }

    private Map<String, String> replica(String instance, String interval) {
        Map<String, String> environment = new HashMap<>(postgres.environment());
        environment.put("MP_JWT_VERIFY_PUBLICKEY_LOCATION", Path.of("dev/jwt/public.pem").toAbsolutePath().toString());
        environment.put("GOALKEEPER_INSTANCE_ID", instance);
        environment.put("GOALKEEPER_SYNC_INTERVAL", interval);
        environment.put("GOALKEEPER_SYNC_LEASE", LEASE.toSeconds() + "s");
        environment.put("GOALKEEPER_SYNC_BATCH_SIZE", "5");
        environment.put("GOALKEEPER_SYNC_DRY_RUN_PAUSE", "1s");
        return environment;
    }

    private static Map<String, String> leaseAlone(Map<String, String> environment) {
        environment.put("GOALKEEPER_SYNC_HOLDER_SESSION", "off");
        return environment;
    }

    private JsonNode lock(ServiceProcess service) throws Exception {
        return JSON.readTree(service.get("/api/v1/sync/status", token).body()).get("lock");
    }

    private JsonNode await(ServiceProcess service, Predicate<JsonNode> condition, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        JsonNode lock = lock(service);
        while (!condition.test(lock)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the lock did not reach the expected state within " + within + ": " + lock);
            }
            Thread.sleep(100);
            lock = lock(service);
        }
        return lock;
    }

    private static JsonNode syncLockCheck(HttpResponse<String> health) throws IOException {
        for (JsonNode check : JSON.readTree(health.body()).get("checks")) {
            if (check.get("name").asText().equals("sync-lock")) {
                return check;
            }
        }
        throw new AssertionError("no sync-lock check in " + health.body());
    }
}
