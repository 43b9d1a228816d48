package io.goalkeeper.smartsuite;

import static io.goalkeeper.support.Api.as;
import static io.goalkeeper.support.Api.asOperator;
import static io.goalkeeper.support.Api.awaitRunEnd;
import static io.goalkeeper.support.Api.jsonAs;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
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
import io.goalkeeper.sync.Lease;
import io.goalkeeper.sync.LeaseLock;
import io.goalkeeper.sync.RunEnd;
import io.goalkeeper.sync.Trigger;
import io.micrometer.core.instrument.MeterRegistry;
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

    @Inject
    MeterRegistry metrics;

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
        assertThat(fake.calls()).as("an unchanged sync calls SmartSuite not at all").isEmpty();

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

    @Test
    void transientFaultsInTheMiddleOfARunAreRetriedWithoutDuplicatesOrLosses() {
        seed(4, 50);
        fake.rateLimit(Op.BULK_CREATE, 1, null);
        fake.fail(Op.BULK_CREATE, 1, 503);
        fake.resetBefore(Op.BULK_CREATE);
        fake.resetAfter(Op.BULK_CREATE);
        fake.slow(Op.BULK_CREATE, Duration.ofSeconds(3));

        // A create that fails in a way that may have carried it out is never sent again blindly: its run
        // looks the records up, keeps what it finds, and leaves the rest to a later run, which looks again.
        List<String> outcomes = syncUntilSucceeded(5);
        assertThat(outcomes).last().isEqualTo("succeeded");
        assertTableEqualsDatabase();
        assertThat(fake.calls()).extracting(FakeSmartSuite.Call::status).contains(429, 503, 0);

        List<Goal> goals = goalsInDatabase();
        for (Goal goal : goals.subList(0, 40)) {
            jsonAs(ownerOf(goal)).body(Map.of("title", "renamed " + goal.id(), "status", "completed"))
                    .put("/api/v1/goals/" + goal.id()).then().statusCode(200);
        }
        for (Goal goal : goals.subList(150, 160)) {
            as(ownerOf(goal)).delete("/api/v1/goals/" + goal.id()).then().statusCode(204);
        }
        fake.fail(Op.BULK_UPDATE, 1, 502);
        fake.resetAfter(Op.BULK_UPDATE);
        fake.slow(Op.BULK_UPDATE, Duration.ofSeconds(3));
        fake.fail(Op.BULK_DELETE, 1, 504);
        fake.resetAfter(Op.BULK_DELETE);
        JsonPath changed = sync();
        assertThat(changed.getString("outcome")).isEqualTo("succeeded");
        assertThat(changed.getInt("updated")).isEqualTo(40);
        assertThat(changed.getInt("deleted")).isEqualTo(10);
        assertThat(fake.records()).hasSize(190);
        assertTableEqualsDatabase();
        assertThat(fake.calls()).allSatisfy(call -> assertThat(call.items()).isLessThanOrEqualTo(SmartSuiteClient.BULK_LIMIT));
    }

    @Test
    void faultsThatOutlastTheRetriesFailTheRunAndLaterRunsFinishTheJob() {
        seed(2, 40);
        fake.fail(Op.BULK_CREATE, 10, 503);

        List<String> outcomes = syncUntilSucceeded(12);
        assertThat(outcomes).startsWith("failed", "failed").endsWith("succeeded");
        assertThat(Db.count(pool, "select count(*) from sync_metadata where status = 'idle'")).isEqualTo(1);
        assertTableEqualsDatabase();
    }

    @Test
    void aRunThatDiesBetweenACreateAndItsBookkeepingLeavesNoDuplicate() {
        seed(3, 20);
        // The create is carried out, then its answer never comes and the run loses its lock meanwhile, as
        // when the replica is killed: the next holder must find those records, not create them twice.
        AtomicReference<Lease> intruder = new AtomicReference<>();
        fake.afterApplying(Op.BULK_CREATE, () -> {
            Db.execute(pool, "update sync_metadata set lease_until = clock_timestamp() where id = 'singleton'");
            intruder.set(lock.acquire("intruder", Duration.ofSeconds(30), Trigger.MANUAL).await().atMost(WAIT).lease().orElseThrow());
        });
        double abandoned = abandonedRuns();
        JsonPath died = sync();
        assertThat(died.getString("outcome")).isEqualTo("abandoned");
        // The run learns it lost the lock only when its fenced write is refused; wait for that, so it
        // touches nothing after this test.
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (abandonedRuns() == abandoned) {
            assertThat(System.nanoTime()).as("the run that lost its lock ended").isLessThan(deadline);
            sleep(50);
        }
        assertThat(fake.records()).hasSize(25);
        assertThat(Db.count(pool, "select count(*) from goal_sync_state where remote_id is not null")).isZero();
        lock.release(intruder.get(), RunEnd.failed("stood in for a killed replica", 0, 0, 0)).await().atMost(WAIT);
        // One of those goals is deleted before anything recorded its record: the record must go too.
        Goal deletedMeanwhile = goalsInDatabase().get(0);
        as(ownerOf(deletedMeanwhile)).delete("/api/v1/goals/" + deletedMeanwhile.id()).then().statusCode(204);

        fake.forgetCalls();
        JsonPath next = sync();
        assertThat(next.getString("outcome")).isEqualTo("succeeded");
        assertTableEqualsDatabase();
        assertThat(fake.calls().stream().filter(c -> c.op() == Op.BULK_CREATE && c.status() == 200)
                .mapToInt(FakeSmartSuite.Call::items).sum())
                .as("only the 35 goals never sent are created").isEqualTo(35);
    }

    @Test
    void aWrongTokenFailsTheRunSayingSoAndReleasesTheLock() {
        seed(1, 3);
        fake.acceptToken("another-key");

        JsonPath failed = sync();
        assertThat(failed.getString("outcome")).isEqualTo("failed");
        assertThat(failed.getString("error")).contains("401").contains("API token").contains("Invalid token.");
        asOperator(operator).get("/api/v1/sync/status").then().statusCode(200)
                .body("lock.status", org.hamcrest.Matchers.equalTo("idle"))
                .body("health", org.hamcrest.Matchers.equalTo("LAST_FAILED"));
        assertThat(fake.records()).isEmpty();

        fake.acceptToken(FakeSmartSuite.TOKEN);
        assertThat(sync().getString("outcome")).isEqualTo("succeeded");
        assertTableEqualsDatabase();
    }

    @Test
    void aFieldMissingFromTheTableStopsTheSyncWithAnErrorNamingIt() {
        seed(1, 3);
        fake.removeField("Goal Version");

        // The first run may still know the old slug and be refused by SmartSuite (422); the next reads the schema.
        JsonPath failed = sync();
        if (!failed.getString("error").contains("Goal Version")) {
            assertThat(failed.getString("error")).contains("422");
            failed = sync();
        }
        assertThat(failed.getString("outcome")).isEqualTo("failed");
        assertThat(failed.getString("error")).contains("no field labelled 'Goal Version'")
                .contains("goalkeeper.smartsuite.fields.goal-version");
        assertThat(fake.records()).isEmpty();

        fake.restoreFields();
        assertThat(sync().getString("outcome")).isEqualTo("succeeded");
        assertTableEqualsDatabase();
    }

    @Test
    void a429MakesEveryCallWaitForRetryAfterOrTheConfiguredPause() {
        seed(2, 25);
        fake.rateLimit(Op.BULK_CREATE, 1, "2");
        fake.rateLimit(Op.BULK_CREATE, 1, null);

        assertThat(sync().getString("outcome")).isEqualTo("succeeded");
        List<Long> pauses = pausesAfter429s(Op.BULK_CREATE);
        assertThat(pauses).hasSize(2);
        assertThat(pauses.get(0)).as("after Retry-After: 2").isGreaterThanOrEqualTo(1_950);
        assertThat(pauses.get(1)).as("after a bare 429 (rate-limited-wait 1s)").isBetween(950L, 1_900L);
        assertTableEqualsDatabase();
    }

    @Test
    void aRetryAfterGivenAsAnHttpDateIsWaitedFor() {
        seed(1, 10);
        fake.rateLimit(Op.BULK_CREATE, 1,
                DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(5)));

        assertThat(sync().getString("outcome")).isEqualTo("succeeded");
        List<Long> pauses = pausesAfter429s(Op.BULK_CREATE);
        assertThat(pauses).hasSize(1);
        assertThat(pauses.get(0)).as("until the date, 5 s ahead when set, not the 1 s of a bare 429")
                .isBetween(2_500L, 5_500L);
        assertTableEqualsDatabase();
    }

    @Test
    void reconciliationDeletesNoStraysWhenTheyAreMoreThanAFifthOfTheTable() {
        seed(1, 10);
        assertThat(sync().getString("outcome")).isEqualTo("succeeded");
        List<String> strays = new ArrayList<>();
        for (int i = 0; i < 26; i++) {
            strays.add(fake.createByHand(new JsonObject().put("title", "stray " + i)
                    .put(fake.slug("Goal ID"), UUID.randomUUID().toString())));
        }

        // 26 records of goals that do not exist among 36: more than 25 and more than a fifth.
        fake.forgetCalls();
        assertThat(reconcile().getString("outcome")).isEqualTo("succeeded");
        assertThat(fake.records()).hasSize(36);
        assertThat(fake.calls()).extracting(FakeSmartSuite.Call::op).containsExactly(Op.LIST);
        assertThat(Db.count(pool, "select count(*) from sync_metadata where reconciled_at > clock_timestamp() - interval '1 minute'"))
                .as("a reconciliation that holds back is done all the same").isEqualTo(1);

        // 25 strays are deleted, however small the table.
        fake.deleteByHand(strays.get(0));
        assertThat(reconcile().getString("outcome")).isEqualTo("succeeded");
        assertThat(fake.records()).hasSize(10);
        assertTableEqualsDatabase();
    }

    @Test
    void whenTheTableChangesDuringTheListingNoRecordIsTakenForMissing() {
        seed(6, 170);
        assertThat(sync().getString("outcome")).isEqualTo("succeeded");
        assertThat(fake.records()).hasSize(1020);
        Goal deletedByHand = goalsInDatabase().get(1010);
        fake.deleteByHand(recordOf(deletedByHand));
        // Someone deletes a record of the first page while the second is still to be read: the second page
        // starts one record later, so one record is never seen.
        String firstOfTable = fake.records().get(0).getString("id");
        fake.changeAfterAnswering(Op.LIST, () -> fake.deleteByHand(firstOfTable));

        fake.forgetCalls();
        assertThat(reconcile().getString("outcome")).isEqualTo("succeeded");
        assertThat(fake.calls()).extracting(FakeSmartSuite.Call::op).containsExactly(Op.LIST, Op.LIST);
        assertThat(fake.records()).hasSize(1018);
        assertThat(Db.count(pool, "select count(*) from goal_sync_state where remote_id is null")).isZero();

        // A listing of the table as it stands finds both records missing and creates them again.
        assertThat(reconcile().getString("outcome")).isEqualTo("succeeded");
        assertThat(fake.records()).hasSize(1020);
        assertTableEqualsDatabase();
    }

    @Test
    void aReconciliationThatFailsIsTriedAgainAPeriodLaterAndTheRunStillPushes() {
        seed(1, 5);
        Db.execute(pool, "update sync_metadata set reconciled_at = null where id = 'singleton'");
        fake.fail(Op.LIST, 1, 400);

        JsonPath run = sync();
        assertThat(run.getString("outcome")).isEqualTo("succeeded");
        assertThat(run.getInt("created")).isEqualTo(5);
        assertTableEqualsDatabase();
        assertThat(fake.calls()).filteredOn(call -> call.op() == Op.LIST).extracting(FakeSmartSuite.Call::status)
                .containsExactly(400);
        assertThat(Db.count(pool, "select count(*) from sync_metadata where reconciled_at > clock_timestamp() - interval '1 minute'"))
                .isEqualTo(1);

        fake.forgetCalls();
        assertThat(sync().getString("outcome")).isEqualTo("succeeded");
        assertThat(fake.calls()).as("the next attempt waits a period").isEmpty();
    }

    @Test
    void reconciliationRepairsRecordsDeletedEditedDuplicatedOrLeftBehindByHand() {
        seed(2, 20);
        assertThat(sync().getString("outcome")).isEqualTo("succeeded");
        List<Goal> goals = goalsInDatabase();
        Map<String, String> recordOf = new HashMap<>();
        fake.records().forEach(r -> recordOf.put(r.getString(fake.slug("Goal ID")), r.getString("id")));

        fake.deleteByHand(recordOf.get(goals.get(0).id().toString()));
        fake.editByHand(recordOf.get(goals.get(1).id().toString()), "Title", "edited in SmartSuite");
        fake.editByHand(recordOf.get(goals.get(5).id().toString()), "Milestones", "");
        JsonObject copy = fake.records().stream().filter(r -> r.getString("id").equals(recordOf.get(goals.get(3).id().toString())))
                .findFirst().orElseThrow().copy();
        copy.remove("id");
        fake.createByHand(copy);
        fake.createByHand(new JsonObject().put("title", "left behind").put(fake.slug("Goal ID"), UUID.randomUUID().toString()));
        String unnamed = fake.createByHand(new JsonObject().put("title", "somebody's own record"));
        fake.deleteByHand(recordOf.get(goals.get(4).id().toString()));
        as(ownerOf(goals.get(4))).delete("/api/v1/goals/" + goals.get(4).id()).then().statusCode(204);
        Db.execute(pool, "update sync_metadata set reconciled_at = null where id = 'singleton'");

        fake.forgetCalls();
        JsonPath repaired = sync();
        assertThat(repaired.getString("outcome")).isEqualTo("succeeded");
        assertThat(fake.records()).extracting(r -> r.getString("id")).contains(unnamed);
        assertTableEqualsDatabase();
        assertThat(fake.succeeded(Op.LIST)).isEqualTo(1);
        assertThat(Db.count(pool, "select count(*) from sync_metadata where reconciled_at > clock_timestamp() - interval '1 minute'"))
                .isEqualTo(1);

        fake.forgetCalls();
        assertThat(sync().getString("outcome")).isEqualTo("succeeded");
        assertThat(fake.calls()).as("nothing left to repair or reconcile").isEmpty();
    }

    @Test
    void goalsSmartSuiteRefusesAreSetAsideWithTheReasonWhileTheOthersArePushed() {
        seed(2, 30);
        List<Goal> goals = goalsInDatabase();
        List<Goal> refused = List.of(goals.get(7), goals.get(41));
        for (Goal goal : refused) {
            jsonAs(ownerOf(goal)).body(Map.of("title", "REFUSED " + goal.title())).put("/api/v1/goals/" + goal.id())
                    .then().statusCode(200);
        }
        fake.refuseTitlesContaining("REFUSED");

        JsonPath run = sync();
        assertThat(run.getString("outcome")).isEqualTo("failed");
        assertThat(run.getString("error")).startsWith("2 goals were refused by the target and wait until they change")
                .contains("Invalid value.");
        assertThat(run.getInt("created")).isEqualTo(58);
        assertThat(fake.records()).hasSize(58);
        assertThat(Db.count(pool, "select count(*) from goal_sync_state where rejected_version is not null")).isEqualTo(2);
        assertThat(fake.writeCalls()).as("3 batches, 2 of them halved down to the refused goal").isLessThanOrEqualTo(3 + 2 * 10);

        fake.forgetCalls();
        assertThat(sync().getString("outcome")).isEqualTo("succeeded");
        assertThat(fake.writeCalls()).as("refused goals wait until they change").isZero();

        for (Goal goal : refused) {
            jsonAs(ownerOf(goal)).body(Map.of("title", "accepted now")).put("/api/v1/goals/" + goal.id())
                    .then().statusCode(200);
        }
        assertThat(sync().getString("outcome")).isEqualTo("succeeded");
        assertTableEqualsDatabase();
        assertThat(Db.count(pool, "select count(*) from goal_sync_state where rejected_version is not null")).isZero();
    }

    @Test
    void everySyncAndSmartSuiteMetricTheReadmeListsIsExported() throws Exception {
        seed(1, 2);
        assertThat(sync().getString("outcome")).isEqualTo("succeeded");
        String scrape = io.restassured.RestAssured.given().get("/q/metrics").then().statusCode(200).extract().asString();
        java.util.regex.Matcher documented = java.util.regex.Pattern.compile("^\\| `(goalkeeper_(sync|smartsuite)_\\w+)`",
                java.util.regex.Pattern.MULTILINE).matcher(java.nio.file.Files.readString(java.nio.file.Path.of("README.md")));
        List<String> names = new ArrayList<>();
        while (documented.find()) {
            names.add(documented.group(1));
        }
        assertThat(names).hasSizeGreaterThanOrEqualTo(9);
        assertThat(names).allSatisfy(name -> assertThat(scrape).containsPattern("(?m)^" + name + "(_count)?[{ ]"));
    }

    @Test
    void aCreateCarriedOutAfterTheClientGaveUpMakesNoDuplicate() {
        seed(1, 10);
        fake.late(Op.BULK_CREATE, Duration.ofSeconds(3));

        JsonPath gaveUp = sync();
        assertThat(gaveUp.getString("outcome")).isEqualTo("failed");
        assertThat(gaveUp.getString("error")).contains("no answer within 2 s");
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (fake.records().size() < 10) {
            assertThat(System.nanoTime()).as("SmartSuite finished the late create").isLessThan(deadline);
            sleep(100);
        }

        assertThat(sync().getString("outcome")).isEqualTo("succeeded");
        assertTableEqualsDatabase();
        assertThat(fake.succeeded(Op.BULK_CREATE)).as("only the late create").isEqualTo(1);
    }

    @Test
    void aRecordDeletedByHandIsLookedForThenCreatedAgainWhenItsGoalChanges() {
        seed(1, 5);
        assertThat(sync().getString("outcome")).isEqualTo("succeeded");
        Goal goal = goalsInDatabase().get(2);
        String record = fake.records().stream().filter(r -> r.getString(fake.slug("Goal ID")).equals(goal.id().toString()))
                .findFirst().orElseThrow().getString("id");
        fake.deleteByHand(record);
        jsonAs(ownerOf(goal)).body(Map.of("title", "changed after its record was deleted")).put("/api/v1/goals/" + goal.id())
                .then().statusCode(200);

        fake.forgetCalls();
        assertThat(sync().getString("outcome")).isEqualTo("succeeded");
        assertTableEqualsDatabase();
        assertThat(fake.calls()).extracting(FakeSmartSuite.Call::op)
                .containsExactly(Op.BULK_UPDATE, Op.LIST, Op.BULK_CREATE);
    }

    @Test
    void aGoalDeletedAndCreatedAgainUnderItsIdIsPushedEvenAtTheSameVersion() {
        seed(1, 3);
        assertThat(sync().getString("outcome")).isEqualTo("succeeded");
        Goal goal = goalsInDatabase().get(1);
        String owner = ownerOf(goal);
        as(owner).delete("/api/v1/goals/" + goal.id()).then().statusCode(204);
        jsonAs(owner).body(Map.of("id", goal.id().toString(), "title", "born again")).post("/api/v1/goals")
                .then().statusCode(201).body("version", org.hamcrest.Matchers.equalTo(1));

        assertThat(sync().getString("outcome")).isEqualTo("succeeded");
        assertTableEqualsDatabase();
        assertThat(Db.count(pool, "select count(*) from goal_tombstones")).isZero();
    }

    @Test
    void whenSmartSuiteRefusesEveryPartOfABatchTheRunFailsWithoutSettingGoalsAside() {
        seed(1, 25);
        fake.refuseTitlesContaining("Goal");

        JsonPath failed = sync();
        assertThat(failed.getString("outcome")).isEqualTo("failed");
        assertThat(failed.getString("error")).contains("the table, not one goal, is at fault").contains("Invalid value.");
        assertThat(fake.writeCalls()).as("the batch and its two halves").isEqualTo(3);
        assertThat(Db.count(pool, "select count(*) from goal_sync_state where rejected_version is not null")).isZero();

        fake.refuseTitlesContaining(null);
        assertThat(sync().getString("outcome")).isEqualTo("succeeded");
        assertTableEqualsDatabase();
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

    private double abandonedRuns() {
        return metrics.counter("goalkeeper.sync.runs", "outcome", "abandoned").count();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String ownerOf(Goal goal) {
        return owners.get(goal.id());
    }

    /** Runs syncs until one succeeds, at most {@code runs}; every failure must be SmartSuite's. */
    private List<String> syncUntilSucceeded(int runs) {
        List<String> outcomes = new ArrayList<>();
        for (int run = 0; run < runs && !outcomes.contains("succeeded"); run++) {
            JsonPath ended = sync();
            outcomes.add(ended.getString("outcome"));
            if (!"succeeded".equals(ended.getString("outcome"))) {
                assertThat(ended.getString("error")).startsWith("SmartSuite");
            }
        }
        return outcomes;
    }

    /** A sync that starts with a reconciliation. */
    private JsonPath reconcile() {
        Db.execute(pool, "update sync_metadata set reconciled_at = null where id = 'singleton'");
        return sync();
    }

    /** Milliseconds from each 429 answered to {@code op} to the next call of it. */
    private List<Long> pausesAfter429s(Op op) {
        List<FakeSmartSuite.Call> calls = fake.calls().stream().filter(c -> c.op() == op).toList();
        List<Long> pauses = new ArrayList<>();
        for (int i = 0; i + 1 < calls.size(); i++) {
            if (calls.get(i).status() == 429) {
                pauses.add((calls.get(i + 1).atNanos() - calls.get(i).atNanos()) / 1_000_000);
            }
        }
        return pauses;
    }

    private String recordOf(Goal goal) {
        return fake.records().stream().filter(r -> goal.id().toString().equals(r.getString(fake.slug("Goal ID"))))
                .findFirst().orElseThrow().getString("id");
    }

    private JsonPath sync() {
        int runId = asOperator(operator).post("/api/v1/sync").then().statusCode(202).extract().path("id");
        return awaitRunEnd(operator, runId);
    }

    /** Every goal of every user, oldest first, read as the sync reads them. */
    private List<Goal> goalsInDatabase() {
        return pool.withTransaction(connection -> connection.query("select set_config('goalkeeper.sync', 'on', true)")
                .execute()
                .chain(() -> connection.query("""
                        select id, user_id, title, description, category, target_date, status, completed_at,
                               milestones::text as milestones, version, created_at, updated_at
                        from goals order by seq""").execute()))
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
                .filter(r -> r.containsKey(fake.slug("Goal ID")))
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
