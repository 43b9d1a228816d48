package io.goalkeeper.goals;

import static io.goalkeeper.support.Api.as;
import static io.goalkeeper.support.Api.jsonAs;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.goalkeeper.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** The default limit, 30 Initialize calls per user per hour, counted in the database. */
@QuarkusTest
class InitializeLimitTest {

    private static final int LIMIT = 30;
    private static final Pattern REFUSED = Pattern.compile("goalkeeper_initialize_refused_total(?:\\{[^}]*})? ([0-9.]+)");

    @Test
    void theCallAfterTheLimitIs429WithRetryAfterAndPlansNothing() {
        String user = Tokens.newUser();
        List<String> ids = goals(user, LIMIT + 1);
        double refusedBefore = refusals();
        for (String id : ids.subList(0, LIMIT)) {
            initialize(user, id).then().statusCode(200).body("milestones.size()", org.hamcrest.Matchers.greaterThan(2));
        }

        Response refused = initialize(user, ids.get(LIMIT));
        refused.then().statusCode(429).contentType("application/problem+json")
                .body("type", endsWith("initialize-limit"))
                .body("status", equalTo(429));
        long retryAfter = Long.parseLong(refused.header("Retry-After"));
        assertThat(retryAfter).as("whole seconds until the first call of the hour leaves the window")
                .isBetween(Duration.ofMinutes(55).toSeconds(), Duration.ofHours(1).toSeconds());
        assertThat(refused.<Integer>path("retryAfter")).isEqualTo((int) retryAfter);
        as(user).get("/api/v1/goals/" + ids.get(LIMIT)).then().statusCode(200)
                .header("ETag", "\"1\"").body("milestones", hasSize(0));
        assertThat(refusals()).as("the refusal is counted").isEqualTo(refusedBefore + 1);

        String other = Tokens.newUser();
        initialize(other, goals(other, 1).get(0)).then().statusCode(200);
    }

    @Test
    void callsThatFailTheirChecksDoNotCount() {
        String user = Tokens.newUser();
        List<String> ids = goals(user, 2);
        initialize(user, ids.get(0)).then().statusCode(200);
        for (int i = 0; i < LIMIT; i++) {
            initialize(user, ids.get(0)).then().statusCode(409).body("type", endsWith("milestones-present"));
        }
        initialize(user, ids.get(1)).then().statusCode(200);
    }

    @Test
    void concurrentCallsOfOneUserNeverGetPastTheLimit() throws Exception {
        String user = Tokens.newUser();
        List<String> ids = goals(user, LIMIT + 10);
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (String id : ids) {
                answers.add(clients.submit(() -> initialize(user, id).statusCode()));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> answer : answers) {
                statuses.add(answer.get());
            }
            assertThat(statuses).filteredOn(status -> status == 200).hasSize(LIMIT);
            assertThat(statuses).filteredOn(status -> status == 429).hasSize(10);
        } finally {
            clients.shutdownNow();
        }
        List<List<Object>> milestones = as(user).get("/api/v1/goals").then().statusCode(200).extract().path("milestones");
        assertThat(milestones).as("goals that were planned").filteredOn(planned -> !planned.isEmpty()).hasSize(LIMIT);
    }

    @Test
    void theSettingIsCallsPerDurationOrOff() {
        CallLimit.Reader reader = new CallLimit.Reader();
        assertThat(reader.convert("30/1h")).isEqualTo(new CallLimit(30, Duration.ofHours(1)));
        assertThat(reader.convert(" 5 / 10m ")).isEqualTo(new CallLimit(5, Duration.ofMinutes(10)));
        assertThat(reader.convert("OFF")).isNull();
        for (String bad : List.of("30", "/1h", "30/", "0/1h", "-1/1h", "x/1h", "30/forever", "30/0s")) {
            assertThatThrownBy(() -> reader.convert(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("30/1h");
        }
    }

    private static Response initialize(String user, String id) {
        return as(user).post("/api/v1/goals/" + id + "/milestones/initialize");
    }

    private static List<String> goals(String user, int count) {
        String body = IntStream.range(0, count).mapToObj(i -> "{\"title\": \"goal " + i + "\"}")
                .reduce((a, b) -> a + "," + b).map(list -> "[" + list + "]").orElseThrow();
        return jsonAs(user).body(body).put("/api/v1/goals").then().statusCode(200).extract().path("id");
    }

    private static double refusals() {
        Matcher matcher = REFUSED.matcher(given().get("/q/metrics").asString());
        assertThat(matcher.find()).as("the refusal counter is exported").isTrue();
        return Double.parseDouble(matcher.group(1));
    }
}
