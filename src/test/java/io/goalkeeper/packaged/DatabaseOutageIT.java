package io.goalkeeper.packaged;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.goalkeeper.support.PostgresForProcesses;
import io.goalkeeper.support.ServiceProcess;
import io.goalkeeper.support.Tokens;

/** The database stops in the middle of a sync run or of writes and comes back: nothing crashes, nothing is lost. */
class DatabaseOutageIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration LEASE = Duration.ofSeconds(3);

    @Test
    void theServiceSurvivesAnOutageMidRunAndTheLockRecovers() throws Exception {
        String token = Tokens.syncAdmin(Tokens.newUser());
        try (PostgresForProcesses postgres = PostgresForProcesses.start("goalkeeper_outage")) {
            Map<String, String> environment = new HashMap<>(postgres.environment());
            environment.put("MP_JWT_VERIFY_PUBLICKEY_LOCATION", Path.of("dev/jwt/public.pem").toAbsolutePath().toString());
            environment.put("GOALKEEPER_INSTANCE_ID", "replica-d");
            // Runs are triggered by hand: a scheduled one could start before the goals are written, find
            // nothing and end at once, and the outage would then land between runs instead of in one.
            environment.put("GOALKEEPER_SYNC_INTERVAL", "off");
            environment.put("GOALKEEPER_SYNC_LEASE", LEASE.toSeconds() + "s");
            environment.put("GOALKEEPER_SYNC_BATCH_SIZE", "5");
            environment.put("GOALKEEPER_SYNC_DRY_RUN_PAUSE", "1s");
            try (ServiceProcess service = ServiceProcess.start(environment).awaitReady(Duration.ofSeconds(90))) {
                StringBuilder goals = new StringBuilder("[");
                for (int i = 0; i < 40; i++) {
                    goals.append(i == 0 ? "" : ",").append("{\"title\": \"goal ").append(i).append("\"}");
                }
                assertThat(service.put("/api/v1/goals", token, goals.append("]").toString()).statusCode()).isEqualTo(200);
                // 8 batches of 5 with a 1 s pause each: the outage lands in the middle of the run.
                assertThat(service.post("/api/v1/sync", token, null).statusCode()).isEqualTo(202);

                postgres.stop();
                Thread.sleep(LEASE.plusSeconds(2).toMillis());
                assertThat(service.process().isAlive()).as("the service survives the outage").isTrue();
                assertThat(service.get("/q/health/ready", null).statusCode()).isEqualTo(503);
                assertThat(service.get("/q/health/live", null).statusCode()).isEqualTo(200);
                HttpResponse<String> unavailable = service.get("/api/v1/goals", token);
                assertThat(unavailable.statusCode()).isEqualTo(503);
                assertThat(unavailable.headers().firstValue("Retry-After")).isPresent();

                postgres.restart();
                awaitTrigger(service, token);
                JsonNode recovered = awaitStatus(service, token, status -> status.get("lock").get("status").asText().equals("idle")
                        && status.get("lastRun") != null && status.get("lastRun").get("outcome").asText().equals("succeeded"),
                        Duration.ofSeconds(60));
                assertThat(recovered.get("health").asText()).isEqualTo("READY");
                awaitReady(service);
                JsonNode goalsAfter = JSON.readTree(service.get("/api/v1/goals", token).body());
                assertThat(goalsAfter).hasSize(40);
                // The outage ended the run's own session: the run stopped at once (or, had its work failed first,
                // could not give the lock back), and once the database was back the next run took the lock over.
                assertThat(service.output()).as("the run stopped when the database went away")
                        .containsAnyOf("lost its database session", "could not release the lock");
                assertThat(service.output()).as("the next run took over the lock of the run whose session ended")
                        .contains("whose database session had ended");
            }
        }
    }

    /**
     * Writers keep the service busy while the database crashes (immediate stop) and comes back. Requests
     * in flight at that moment lose their connection mid-statement in every way the driver reports it
     * (reset, broken pipe, closed, admin shutdown); each must answer 503 with Retry-After, never 500,
     * and every write that was acknowledged must be stored.
     */
    @Test
    void writesInFlightWhenTheDatabaseCrashesAre503AndNoAcknowledgedWriteIsLost() throws Exception {
        try (PostgresForProcesses postgres = PostgresForProcesses.start("goalkeeper_crash")) {
            Map<String, String> environment = new HashMap<>(postgres.environment());
            environment.put("MP_JWT_VERIFY_PUBLICKEY_LOCATION", Path.of("dev/jwt/public.pem").toAbsolutePath().toString());
            environment.put("GOALKEEPER_SYNC_INTERVAL", "off");
            try (ServiceProcess service = ServiceProcess.start(environment).awaitReady(Duration.ofSeconds(90))) {
                int writers = 6;
                List<String> users = new ArrayList<>();
                Map<String, Set<String>> acknowledged = new ConcurrentHashMap<>();
                Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
                List<String> badAnswers = Collections.synchronizedList(new ArrayList<>());
                AtomicBoolean stop = new AtomicBoolean();
                AtomicInteger written = new AtomicInteger();
                ExecutorService pool = Executors.newFixedThreadPool(writers);
                for (int w = 0; w < writers; w++) {
                    String user = Tokens.newUser();
                    users.add(user);
                    acknowledged.put(user, ConcurrentHashMap.newKeySet());
                    String token = Tokens.forUser(user);
                    pool.submit(() -> {
                        while (!stop.get()) {
                            String id = UUID.randomUUID().toString();
                            HttpResponse<String> answer = service.post("/api/v1/goals", token,
                                    "{\"id\": \"" + id + "\", \"title\": \"write " + id + "\"}");
                            statuses.computeIfAbsent(answer.statusCode(), status -> new AtomicInteger()).incrementAndGet();
                            if (answer.statusCode() == 201) {
                                acknowledged.get(user).add(id);
                                written.incrementAndGet();
                            } else if (answer.statusCode() != 503
                                    || answer.headers().firstValue("Retry-After").isEmpty()
                                    || !answer.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json")) {
                                badAnswers.add(answer.statusCode() + " " + answer.headers().map() + " " + answer.body());
                            }
                        }
                        return null;
                    });
                }
                awaitCount(written, 300);
                postgres.stopImmediately();
                long stoppedAt = System.nanoTime();
                while (statuses.getOrDefault(503, new AtomicInteger()).get() < 50
                        && System.nanoTime() - stoppedAt < Duration.ofSeconds(20).toNanos()) {
                    Thread.sleep(20);
                }
                postgres.restart();
                awaitReady(service);
                awaitCount(written, written.get() + 300);
                stop.set(true);
                pool.shutdown();
                assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

                assertThat(badAnswers).as("answers other than 201 and 503 problem+json with Retry-After").isEmpty();
                assertThat(statuses.keySet()).as("statuses seen: %s", statuses).containsOnly(201, 503);
                assertThat(statuses.get(503).get()).as("requests that met the outage").isPositive();
                for (String user : users) {
                    JsonNode stored = JSON.readTree(service.get("/api/v1/goals", Tokens.forUser(user)).body());
                    Set<String> ids = new HashSet<>();
                    stored.forEach(goal -> ids.add(goal.get("id").asText()));
                    assertThat(ids).as("every acknowledged write of %s is stored", user).containsAll(acknowledged.get(user));
                }
                assertThat(service.output()).doesNotContain("Unexpected failure, incident");
            }
        }
    }

    private static void awaitCount(AtomicInteger count, int atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (count.get() < atLeast) {
            assertThat(System.nanoTime()).as("%d writes within 60 s", atLeast).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** Triggers a run once the service can reach the database again (503 until then). */
    private static void awaitTrigger(ServiceProcess service, String token) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        int status;
        while ((status = service.post("/api/v1/sync", token, null).statusCode()) != 202) {
            assertThat(status).as("a trigger after the restart").isEqualTo(503);
            assertThat(System.nanoTime()).as("a run started within 60 s of the restart").isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    /** Readiness comes back once the pools have replaced their dead connections, as the next probes show. */
    private static void awaitReady(ServiceProcess service) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (service.get("/q/health/ready", null).statusCode() != 200) {
            assertThat(System.nanoTime()).as("ready again within 30 s").isLessThan(deadline);
            Thread.sleep(500);
        }
    }

    private static JsonNode awaitStatus(ServiceProcess service, String token, Predicate<JsonNode> condition,
            Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> answer = service.get("/api/v1/sync/status", token);
            if (answer.statusCode() == 200) {
                JsonNode status = JSON.readTree(answer.body());
                if (condition.test(status)) {
                    return status;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the sync did not reach the expected state within " + within + "; last log lines: "
                + service.output().lines().skip(Math.max(0, service.output().lines().count() - 20)).toList());
    }
}
