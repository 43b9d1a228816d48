package io.goalkeeper.sync;

import static io.goalkeeper.support.Api.asOperator;
import static io.goalkeeper.support.Api.awaitRunEnd;
import static io.goalkeeper.support.Api.jsonAs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.goalkeeper.support.Db;
import io.goalkeeper.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;

@QuarkusTest
@TestProfile(FailingTargetTest.WithFailingTarget.class)
class FailingTargetTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    public static class WithFailingTarget implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("goalkeeper.sync.target", FailingTarget.NAME);
        }
    }

    @Inject
    FailingTarget target;

    @Inject
    ChangeFeed feed;

    @Inject
    Pool pool;

    @Test
    void aFailingTargetFailsTheRunReleasesTheLockLosesNothingAndTheNextRunProceeds() {
        Db.idleSyncLock(pool);
        String user = Tokens.newUser();
        String goal = jsonAs(user).body(Map.of("title", "must arrive")).post("/api/v1/goals").path("id");

        target.failing(true);
        JsonPath failed = awaitRunEnd(user, asOperator(user).post("/api/v1/sync").then().statusCode(202).extract().path("id"));
        assertThat(failed.getString("outcome")).isEqualTo("failed");
        assertThat(failed.getString("error")).contains("503 Service Unavailable");
        asOperator(user).get("/api/v1/sync/status").then().statusCode(200)
                .body("health", equalTo("LAST_FAILED"))
                .body("lock.status", equalTo("idle"))
                .body("lastRun.outcome", equalTo("failed"));
        assertThat(feed.next(100_000).await().atMost(WAIT).changes())
                .anyMatch(change -> change.goal().id().toString().equals(goal));

        target.failing(false);
        JsonPath next = awaitRunEnd(user, asOperator(user).post("/api/v1/sync").then().statusCode(202).extract().path("id"));
        assertThat(next.getString("outcome")).isEqualTo("succeeded");
        assertThat(next.getInt("created")).isGreaterThanOrEqualTo(1);
        assertThat(feed.next(100_000).await().atMost(WAIT).changes())
                .noneMatch(change -> change.goal().id().toString().equals(goal));
        asOperator(user).get("/api/v1/sync/status").then().body("health", equalTo("READY"));
    }
}
