package io.goalkeeper.sync;

import static io.goalkeeper.support.Api.as;
import static io.goalkeeper.support.Api.asOperator;
import static io.goalkeeper.support.Api.awaitRunEnd;
import static io.goalkeeper.support.Api.jsonAs;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.goalkeeper.support.Db;
import io.goalkeeper.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;

@QuarkusTest
class SyncApiTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    LeaseLock lock;

    @Inject
    Pool pool;

    @Inject
    LockMetrics metrics;

    private String user;

    @BeforeEach
    void idleLock() {
        Db.idleSyncLock(pool);
        user = Tokens.newUser();
    }

    @Test
    void aManualTriggerRunsTheSyncInTheBackgroundAndRecordsIt() {
        List<String> ids = jsonAs(user).body("[{\"title\": \"push me\"}, {\"title\": \"and me\"}]").put("/api/v1/goals")
                .then().statusCode(200).extract().path("id");
        long countBefore = asOperator(user).get("/api/v1/sync/status").then().statusCode(200).extract().<Integer>path("syncCount");
        double succeededBefore = metric("goalkeeper_sync_runs_total\\{outcome=\"succeeded\"\\}");
        double durationsBefore = metric("goalkeeper_sync_run_duration_seconds_count");

        Response accepted = asOperator(user).post("/api/v1/sync");
        accepted.then().statusCode(202).body("trigger", equalTo("manual")).body("outcome", equalTo("running"))
                .body("holder", notNullValue());
        int runId = accepted.path("id");
        assertThat(accepted.header("Location")).endsWith("/api/v1/sync/runs/" + runId);

        JsonPath run = awaitRunEnd(user, runId);
        assertThat(run.getString("outcome")).isEqualTo("succeeded");
        assertThat(run.getString("stopReason")).isNull();
        assertThat(run.getInt("created")).isGreaterThanOrEqualTo(2);
        assertThat(run.getString("finishedAt")).isNotNull();
        assertThat(pushedOf(user)).containsExactlyInAnyOrder(ids.get(0) + "@1 dry-run:" + ids.get(0),
                ids.get(1) + "@1 dry-run:" + ids.get(1));

        asOperator(user).get("/api/v1/sync/status").then().statusCode(200)
                .body("health", equalTo("READY"))
                .body("lock.status", equalTo("idle"))
                .body("lastRun.id", equalTo(runId))
                .body("lastSuccessAt", notNullValue())
                .body("syncCount", equalTo((int) countBefore + 1));
        assertThat(metric("goalkeeper_sync_runs_total\\{outcome=\"succeeded\"\\}")).isEqualTo(succeededBefore + 1);
        assertThat(metric("goalkeeper_sync_run_duration_seconds_count")).isEqualTo(durationsBefore + 1);
    }

    @Test
    void theSyncApiAnswersOnlyTheRolesThatMayUseIt() {
        int runId = awaitRunEnd(user, asOperator(user).post("/api/v1/sync").then().statusCode(202).extract().path("id"))
                .getInt("id");
        long countBefore = asOperator(user).get("/api/v1/sync/status").then().extract().<Integer>path("syncCount");
        Map<String, String> tokens = Map.of(
                "no role", Tokens.forUser(user),
                "another role", Tokens.withRoles(user, "goals-admin"),
                "sync-viewer", Tokens.syncViewer(user),
                "sync-admin", Tokens.syncAdmin(user));
        Map<String, Integer> reads = Map.of("no role", 403, "another role", 403, "sync-viewer", 200, "sync-admin", 200);
        for (var token : tokens.entrySet()) {
            int expected = reads.get(token.getKey());
            for (String path : List.of("/api/v1/sync/status", "/api/v1/sync/runs", "/api/v1/sync/runs/" + runId)) {
                var answer = given().header("Authorization", "Bearer " + token.getValue()).get(path);
                assertThat(answer.statusCode()).as("GET %s with %s", path, token.getKey()).isEqualTo(expected);
                if (expected == 403) {
                    assertThat(answer.contentType()).isEqualTo("application/problem+json");
                    assertThat(answer.asString()).as("no operator data for %s", token.getKey())
                            .doesNotContain("holder").doesNotContain("lock").doesNotContain("error\"");
                }
            }
            if (!token.getKey().equals("sync-admin")) {
                given().header("Authorization", "Bearer " + token.getValue()).post("/api/v1/sync").then()
                        .statusCode(403).contentType("application/problem+json").body("type", endsWith("forbidden"));
                given().header("Authorization", "Bearer " + token.getValue()).contentType("application/json")
                        .body(Map.of("token", 1)).post("/api/v1/sync/lock/release").then()
                        .statusCode(403).contentType("application/problem+json");
            }
        }
        asOperator(user).get("/api/v1/sync/status").then().body("syncCount", equalTo((int) countBefore))
                .body("lastRun.id", equalTo(runId));
    }

    @Test
    void anUnchangedSetIsNotPushedAgain() {
        jsonAs(user).body("[{\"title\": \"once\"}]").put("/api/v1/goals").then().statusCode(200);
        awaitRunEnd(user, asOperator(user).post("/api/v1/sync").then().statusCode(202).extract().path("id"));
        jsonAs(user).body(as(user).get("/api/v1/goals").asString()).put("/api/v1/goals").then().statusCode(200);
        List<String> pushedBefore = pushedOf(user);
        int second = awaitRunEnd(user, asOperator(user).post("/api/v1/sync").then().statusCode(202).extract().path("id"))
                .getInt("id");
        assertThat(Db.count(pool, "select count(*) from goal_sync_state s join sync_runs r on r.id = " + second
                + " where s.user_id = '" + user + "' and s.pushed_at >= r.started_at")).as("pushed again").isZero();
        assertThat(pushedOf(user)).isEqualTo(pushedBefore).hasSize(1);
    }

    @Test
    void aTriggerWhileALiveLeaseIsHeldIs409WithTheLock() {
        Lease other = lock.acquire("other-replica", Duration.ofMinutes(1), Trigger.SCHEDULED).await().atMost(WAIT).lease().orElseThrow();
        asOperator(user).post("/api/v1/sync").then().statusCode(409).contentType("application/problem+json")
                .body("type", endsWith("sync-running"))
                .body("lock.status", equalTo("running"))
                .body("lock.holder", equalTo("other-replica"))
                .body("lock.token", equalTo((int) other.token()))
                .body("lock.stale", equalTo(false))
                .body("lock.leaseUntil", notNullValue())
                .body("lock.heartbeatAt", notNullValue())
                .body("lock.startedAt", notNullValue());
        asOperator(user).get("/api/v1/sync/status").then().body("health", equalTo("RUNNING"));
        lock.release(other, RunEnd.succeeded(0, 0, 0)).await().atMost(WAIT);
    }

    @Test
    void aTriggerTakesOverAStaleLeaseAndTheDeadRunIsAbandoned() throws InterruptedException {
        Lease dead = lock.acquire("dead-replica", Duration.ofMillis(1), Trigger.SCHEDULED).await().atMost(WAIT).lease().orElseThrow();
        Thread.sleep(20);
        asOperator(user).get("/api/v1/sync/status").then().body("health", equalTo("STALE")).body("lock.stale", equalTo(true));

        double takeovers = takeovers("lease-expired");
        Response taking = asOperator(user).post("/api/v1/sync");
        taking.then().statusCode(202)
                .body("takenOverFrom", equalTo("dead-replica")).body("takeoverReason", equalTo("lease-expired"));
        int runId = taking.path("id");
        assertThat(takeovers("lease-expired")).isEqualTo(takeovers + 1);
        asOperator(user).get("/api/v1/sync/runs/" + dead.runId()).then().statusCode(200)
                .body("outcome", equalTo("abandoned")).body("stopReason", equalTo("taken-over"))
                .body("finishedAt", equalTo(taking.<String>path("startedAt")))
                .body("error", equalTo("lease expired; taken over by " + taking.path("holder")));
        assertThat(awaitRunEnd(user, runId).getString("outcome")).isEqualTo("succeeded");
    }

    @Test
    void aHolderWhoseSessionEndedShowsAsGoneAndATriggerTakesItOverBeforeItsLeaseEnds() {
        Lease crashed = lock.acquireWithSession("crashed-replica", Duration.ofMinutes(10), Trigger.SCHEDULED).await().atMost(WAIT)
                .lease().orElseThrow();
        asOperator(user).get("/api/v1/sync/status").then().body("health", equalTo("RUNNING"))
                .body("lock.holderGone", equalTo(false));
        given().get("/q/health/well").then().statusCode(200);

        assertThat(Db.terminate((int) Db.count(pool, "select holder_pid from sync_metadata"))).isTrue();
        asOperator(user).get("/api/v1/sync/status").then().body("health", equalTo("STALE"))
                .body("lock.stale", equalTo(false)).body("lock.holderGone", equalTo(true))
                .body("lock.holder", equalTo("crashed-replica"));
        given().get("/q/health/well").then().statusCode(503)
                .body("checks.find { it.name == 'sync-lock' }.status", equalTo("DOWN"))
                .body("checks.find { it.name == 'sync-lock' }.data.stale", equalTo(false))
                .body("checks.find { it.name == 'sync-lock' }.data.holderGone", equalTo(true))
                .body("checks.find { it.name == 'sync-lock' }.data.health", equalTo("STALE"));

        double takeovers = takeovers("holder-gone");
        Response taking = asOperator(user).post("/api/v1/sync");
        taking.then().statusCode(202)
                .body("takenOverFrom", equalTo("crashed-replica")).body("takeoverReason", equalTo("holder-gone"));
        int runId = taking.path("id");
        assertThat(takeovers("holder-gone")).isEqualTo(takeovers + 1);
        asOperator(user).get("/api/v1/sync/runs/" + crashed.runId()).then().statusCode(200)
                .body("outcome", equalTo("abandoned")).body("stopReason", equalTo("taken-over"))
                .body("error", equalTo("the holder's database session ended; taken over by " + taking.path("holder")));
        assertThat(awaitRunEnd(user, runId).getString("outcome")).isEqualTo("succeeded");
        given().get("/q/health/well").then().statusCode(200);
        assertThat(Db.count(pool, "select count(*) from pg_locks where locktype = 'advisory' and classid = "
                + HolderSession.LOCK_SPACE)).as("the run gave its session's advisory lock back").isZero();
    }

    @Test
    void forceReleaseNeedsTheRoleAndTheCurrentToken() {
        Lease stuck = lock.acquire("stuck-replica", Duration.ofMinutes(1), Trigger.SCHEDULED).await().atMost(WAIT).lease().orElseThrow();
        jsonAs(user).body(Map.of("token", stuck.token())).post("/api/v1/sync/lock/release").then().statusCode(403)
                .contentType("application/problem+json");
        String admin = Tokens.syncAdmin(Tokens.newUser());
        given().header("Authorization", "Bearer " + admin).contentType("application/json")
                .body(Map.of("token", stuck.token() - 1)).post("/api/v1/sync/lock/release").then().statusCode(409)
                .body("lock.holder", equalTo("stuck-replica"));
        given().header("Authorization", "Bearer " + admin).contentType("application/json")
                .body("{}").post("/api/v1/sync/lock/release").then().statusCode(400);
        given().header("Authorization", "Bearer " + admin).contentType("application/json")
                .body(Map.of("token", stuck.token())).post("/api/v1/sync/lock/release").then().statusCode(200)
                .body("status", equalTo("idle"));
        asOperator(user).get("/api/v1/sync/runs/" + stuck.runId()).then().body("outcome", equalTo("abandoned"));
        asOperator(user).get("/api/v1/sync/status").then().body("health", equalTo("LAST_FAILED"));
    }

    @Test
    void runsAreListedNewestFirstWithinTheLimit() {
        awaitRunEnd(user, asOperator(user).post("/api/v1/sync").then().statusCode(202).extract().path("id"));
        int newest = awaitRunEnd(user, asOperator(user).post("/api/v1/sync").then().statusCode(202).extract().path("id")).getInt("id");
        List<Integer> ids = asOperator(user).get("/api/v1/sync/runs").then().statusCode(200).extract().path("id");
        assertThat(ids).hasSizeBetween(2, 20).isSortedAccordingTo((a, b) -> Integer.compare(b, a)).first().isEqualTo(newest);
        asOperator(user).get("/api/v1/sync/runs?limit=1").then().statusCode(200).body("", hasSize(1));
        for (String bad : List.of("0", "201", "many", "-1")) {
            asOperator(user).get("/api/v1/sync/runs?limit=" + bad).then().statusCode(400).contentType("application/problem+json");
        }
        asOperator(user).get("/api/v1/sync/runs/999999999").then().statusCode(404).contentType("application/problem+json");
        given().get("/api/v1/sync/status").then().statusCode(401);
    }

    /** The takeovers counter for one reason, as Prometheus reads it. */
    private static double takeovers(String reason) {
        return metric("goalkeeper_sync_takeovers_total\\{reason=\"" + reason + "\"\\}");
    }

    /** A series' value as Prometheus reads it; {@code series} is a regular expression. */
    static double metric(String series) {
        Matcher value = Pattern.compile("(?m)^" + series + " (\\S+)$").matcher(given().get("/q/metrics").asString());
        assertThat(value.find()).as("%s is exported", series).isTrue();
        return Double.parseDouble(value.group(1));
    }

    /** The user's goals as the ledger records them pushed: "id@version remote id". */
    private List<String> pushedOf(String owner) {
        List<String> pushed = new java.util.ArrayList<>();
        pool.query("select goal_id, pushed_version, remote_id from goal_sync_state where user_id = '" + owner + "'")
                .execute().await().atMost(WAIT)
                .forEach(row -> pushed.add(row.getUUID("goal_id") + "@" + row.getLong("pushed_version") + " " + row.getString("remote_id")));
        return pushed;
    }

    @Test
    void theWellnessCheckIsDownWhileTheLockIsStaleAndProbesStayUp() throws InterruptedException {
        given().get("/q/health/well").then().statusCode(200)
                .body("checks.find { it.name == 'sync-lock' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'sync-lock' }.data.status", equalTo("idle"));

        Lease dead = lock.acquire("dead-replica", Duration.ofMillis(1), Trigger.SCHEDULED).await().atMost(WAIT).lease().orElseThrow();
        Thread.sleep(1100);
        given().get("/q/health/well").then().statusCode(503)
                .body("checks.find { it.name == 'sync-lock' }.status", equalTo("DOWN"))
                .body("checks.find { it.name == 'sync-lock' }.data.stale", equalTo(true))
                .body("checks.find { it.name == 'sync-lock' }.data.health", equalTo("STALE"))
                .body("checks.find { it.name == 'sync-lock' }.data.holder", equalTo("dead-replica"))
                .body("checks.find { it.name == 'sync-lock' }.data.token", equalTo((int) dead.token()))
                .body("checks.find { it.name == 'sync-lock' }.data.ageSeconds", org.hamcrest.Matchers.greaterThanOrEqualTo(1));
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200);

        metrics.refresh().await().atMost(WAIT);
        assertThat(given().get("/q/metrics").asString())
                .containsPattern("goalkeeper_sync_lock_age_seconds [1-9]")
                .contains("goalkeeper_sync_lock_stale 1.0");
    }
}
