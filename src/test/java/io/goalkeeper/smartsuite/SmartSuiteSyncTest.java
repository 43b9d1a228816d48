package io.goalkeeper.smartsuite;

import static io.goalkeeper.support.Api.as;
import static io.goalkeeper.support.Api.awaitRunEnd;
import static io.goalkeeper.support.Api.jsonAs;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.goalkeeper.goals.Goal;
import io.goalkeeper.goals.GoalRows;
import io.goalkeeper.smartsuite.FakeSmartSuite.Op;
import io.goalkeeper.smartsuite.FakeSmartSuiteResource.Fake;
import io.goalkeeper.support.Db;
import io.goalkeeper.support.Tokens;
import io.goalkeeper.sync.LeaseLock;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;

/**
 * The smartsuite target against a fake SmartSuite. The sync spans every user, so each test starts
 * from an empty goals table and an empty SmartSuite table, and compares the whole of both.
 */
@QuarkusTest
@WithTestResource(FakeSmartSuiteResource.class)
class SmartSuiteSyncTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Fake
    FakeSmartSuite fake;

    @Inject
    Pool pool;

    @Inject
    LeaseLock lock;

    private final String operator = Tokens.newUser();

    @BeforeEach
    void emptyTables() {
        Db.execute(pool, "truncate goals, user_collections, goal_sync_state, goal_tombstones");
        Db.execute(pool, "update sync_metadata set reconciled_at = clock_timestamp() where id = 'singleton'");
        Db.idleSyncLock(pool);
        fake.reset();
    }

    @Test
    void initialSyncOf1000GoalsMakes40WriteCallsThenNoneAndEditsAndDeletesCostTwoUpdatesAndOneDelete() {
        List<String> users = seed(20, 50);

        JsonPath first = sync();
        assertThat(first.getString("outcome")).isEqualTo("succeeded");
        assertThat(first.getInt("created")).isEqualTo(1000);
        assertThat(fake.records()).hasSize(1000);
        assertTableEqualsDatabase();
        assertThat(fake.writeCalls()).isEqualTo(40);
        assertThat(fake.succeeded(Op.BULK_CREATE)).isEqualTo(40);

        fake.forgetCalls();
        JsonPath second = sync();
        assertThat(second.getString("outcome")).isEqualTo("succeeded");
        assertThat(fake.writeCalls()).isZero();

        List<Goal> goals = goalsInDatabase();
        for (Goal goal : goals.subList(0, 30)) {
            String owner = ownerOf(goal);
            jsonAs(owner).body(Map.of("title", goal.title() + " (edited)", "description", "changed"))
                    .put("/api/v1/goals/" + goal.id()).then().statusCode(200);
        }
        for (Goal goal : goals.subList(30, 35)) {
            as(ownerOf(goal)).delete("/api/v1/goals/" + goal.id()).then().statusCode(204);
        }
        fake.forgetCalls();
        JsonPath third = sync();
        assertThat(third.getString("outcome")).isEqualTo("succeeded");
        assertThat(third.getInt("updated")).isEqualTo(30);
        assertThat(third.getInt("deleted")).isEqualTo(5);
        assertThat(fake.succeeded(Op.BULK_UPDATE)).isEqualTo(2);
        assertThat(fake.succeeded(Op.BULK_DELETE)).isEqualTo(1);
        assertThat(fake.writeCalls()).isEqualTo(3);
        assertThat(fake.records()).hasSize(995);
        assertTableEqualsDatabase();
        assertThat(users).hasSize(20);
    }

    private final Map<UUID, String> owners = new HashMap<>();

    /** {@code users} users with {@code perUser} goals each, made through the API with every field used. */
    private List<String> seed(int users, int perUser) {
        List<String> made = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            String user = Tokens.newUser();
            List<Map<String, Object>> goals = new ArrayList<>();
            for (int g = 0; g < perUser; g++) {
                UUID id = UUID.randomUUID();
                owners.put(id, user);
                Map<String, Object> goal = new HashMap<>();
                goal.put("id", id.toString());
                goal.put("title", "Goal " + g + " of user " + u);
                if (g % 3 != 0) {
                    goal.put("description", "Why goal " + g + " matters");
                    goal.put("category", g % 2 == 0 ? "health" : "work");
                    goal.put("targetDate", LocalDate.of(2027, 1 + g % 12, 1 + g % 28).toString());
                }
                if (g % 4 == 0) {
                    goal.put("status", "completed");
                }
                if (g % 5 == 0) {
                    goal.put("milestones", List.of(
                            Map.of("title", "First step", "completed", true),
                            Map.of("title", "Second step")));
                }
                goals.add(goal);
            }
            jsonAs(user).body(goals).put("/api/v1/goals").then().statusCode(200);
            made.add(user);
        }
        return made;
    }

    private String ownerOf(Goal goal) {
        return owners.get(goal.id());
    }

    private JsonPath sync() {
        int runId = as(operator).post("/api/v1/sync").then().statusCode(202).extract().path("id");
        return awaitRunEnd(operator, runId);
    }

    /** Every goal of every user, oldest first, read as the sync reads them. */
    private List<Goal> goalsInDatabase() {
        return pool.withTransaction(connection -> connection.query("select set_config('goalkeeper.sync', 'on', true)")
                .execute()
                .chain(() -> connection.query("select * from goals order by seq").execute()))
                .map(rows -> {
                    List<Goal> goals = new ArrayList<>();
                    for (Row row : rows) {
                        goals.add(GoalRows.goal(row));
                        owners.putIfAbsent(row.getUUID("id"), row.getString("user_id"));
                    }
                    return goals;
                })
                .await().atMost(WAIT);
    }

    /** The SmartSuite table holds exactly one record per goal, each with the goal's current fields. */
    private void assertTableEqualsDatabase() {
        Map<String, List<JsonObject>> records = fake.records().stream()
                .collect(Collectors.groupingBy(r -> r.getString(fake.slug("Goal ID")), TreeMap::new, Collectors.toList()));
        List<Goal> goals = goalsInDatabase();
        assertThat(records.keySet()).containsExactlyInAnyOrderElementsOf(goals.stream().map(g -> g.id().toString()).toList());
        for (Goal goal : goals) {
            List<JsonObject> ofGoal = records.get(goal.id().toString());
            assertThat(ofGoal).as("records of goal %s", goal.id()).hasSize(1);
            JsonObject record = ofGoal.get(0);
            assertThat(record.getString("title")).isEqualTo(goal.title());
            assertThat(record.getString(fake.slug("User ID"))).isEqualTo(ownerOf(goal));
            assertThat(record.getString(fake.slug("Description"))).isEqualTo(goal.description() == null ? "" : goal.description());
            assertThat(record.getString(fake.slug("Category"))).isEqualTo(goal.category() == null ? "" : goal.category());
            assertThat(record.getString(fake.slug("Status"))).isEqualTo(goal.status());
            assertThat(record.getString(fake.slug("Goal Version"))).isEqualTo(Long.toString(goal.version()));
            JsonObject date = record.getJsonObject(fake.slug("Target Date"));
            assertThat(date == null ? null : date.getString("date"))
                    .isEqualTo(goal.targetDate() == null ? null : goal.targetDate() + "T00:00:00Z");
            assertThat(record.getString(fake.slug("Milestones"))).isEqualTo(goal.milestones().stream()
                    .map(m -> (m.completed() ? "[x] " : "[ ] ") + m.title()).collect(Collectors.joining("\n")));
        }
    }
}
