package io.goalkeeper.history;

import static io.goalkeeper.support.Api.as;
import static io.goalkeeper.support.Api.jsonAs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.goalkeeper.support.Db;
import io.goalkeeper.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/** Every write records one change set with the goals before and after; the log reads back as the API says. */
@QuarkusTest
class ChangeHistoryTest {

    private static final String GOALS = "/api/v1/goals";
    private static final String PROBLEM_JSON = "application/problem+json";

    private String user;

    /** Each set as {@link #onlySetAfter} read it, just after its write. */
    private final List<Object> setsAsWritten = new ArrayList<>();

    @BeforeEach
    void newUser() {
        user = Tokens.newUser();
    }

    @Test
    void everyWriteKindLeavesExactlyOneChangeSetWithItsBeforeAndAfter() {
        // create
        String id = jsonAs(user).header("X-Request-Id", "req-create-1")
                .body("{\"title\": \"Run\", \"milestones\": [{\"title\": \"5k\"}]}").post(GOALS)
                .then().statusCode(201).extract().path("id");
        String milestone = as(user).get(GOALS + "/" + id).path("milestones[0].id");
        JsonPath set = onlySetAfter(0);
        assertThat(set.getLong("collectionVersion")).isEqualTo(1);
        assertThat(set.getString("by")).isEqualTo(user);
        assertThat(set.getString("request")).isEqualTo("req-create-1");
        assertThat(set.getString("at")).endsWith("Z");
        assertChange(set, id, "created", 1);
        assertThat(set.getString("changes[0].goal.title")).isEqualTo("Run");
        assertThat(set.getString("changes[0].goal.milestones[0].title")).isEqualTo("5k");
        assertThat((Object) set.get("changes[0].before")).isNull();

        // update
        jsonAs(user).body("{\"title\": \"Run far\", \"milestones\": [{\"id\": \"" + milestone + "\", \"title\": \"5k\"}]}")
                .put(GOALS + "/" + id).then().statusCode(200);
        set = onlySetAfter(1);
        assertChange(set, id, "updated", 2);
        assertThat(set.getString("changes[0].before.title")).isEqualTo("Run");
        assertThat(set.getString("changes[0].goal.title")).isEqualTo("Run far");
        assertThat(set.getString("request")).as("a request id made by the service").hasSize(36);

        // milestone complete, and again: the second changes nothing and records nothing
        as(user).post(GOALS + "/" + id + "/milestones/" + milestone + "/complete").then().statusCode(200);
        as(user).post(GOALS + "/" + id + "/milestones/" + milestone + "/complete").then().statusCode(200);
        set = onlySetAfter(2);
        assertChange(set, id, "updated", 3);
        assertThat(set.getBoolean("changes[0].before.milestones[0].completed")).isFalse();
        assertThat(set.getBoolean("changes[0].goal.milestones[0].completed")).isTrue();

        // complete, twice
        as(user).post(GOALS + "/" + id + "/complete").then().statusCode(200);
        as(user).post(GOALS + "/" + id + "/complete").then().statusCode(200);
        set = onlySetAfter(3);
        assertChange(set, id, "updated", 4);
        assertThat(set.getString("changes[0].goal.status")).isEqualTo("completed");
        assertThat(set.getString("changes[0].before.status")).isEqualTo("active");

        // initialize
        as(user).post(GOALS + "/" + id + "/milestones/initialize?replace=true").then().statusCode(200);
        set = onlySetAfter(4);
        assertChange(set, id, "updated", 5);
        assertThat(set.getList("changes[0].before.milestones")).hasSize(1);

        // replace-all: one goal kept unchanged, one new; the old one goes
        String kept = jsonAs(user).body("{\"title\": \"Read\"}").post(GOALS).then().statusCode(201).extract().path("id");
        onlySetAfter(5);
        String added = UUID.randomUUID().toString();
        jsonAs(user).body("[{\"id\": \"" + kept + "\", \"title\": \"Read\"}, {\"id\": \"" + added + "\", \"title\": \"Swim\"}]")
                .put(GOALS).then().statusCode(200).header("ETag", "\"7\"");
        set = onlySetAfter(6);
        assertThat(set.getLong("collectionVersion")).isEqualTo(7);
        assertThat(set.getList("changes")).hasSize(2);
        Map<String, Object> created = changeOf(set, added);
        Map<String, Object> deleted = changeOf(set, id);
        assertThat(created).containsEntry("kind", "created").containsEntry("version", 1).containsEntry("before", null);
        assertThat(deleted).containsEntry("kind", "deleted").containsEntry("version", 6).containsEntry("goal", null);
        assertThat(((Map<?, ?>) deleted.get("before")).get("title")).isEqualTo("Run far");

        // the same set again changes nothing
        jsonAs(user).body("[{\"id\": \"" + kept + "\", \"title\": \"Read\"}, {\"id\": \"" + added + "\", \"title\": \"Swim\"}]")
                .put(GOALS).then().statusCode(200).header("ETag", "\"7\"");
        as(user).get(GOALS + "/changes?since=7").then().statusCode(200).body("size()", equalTo(0));

        // delete
        as(user).delete(GOALS + "/" + kept).then().statusCode(204);
        set = onlySetAfter(7);
        assertChange(set, kept, "deleted", 2);
        assertThat(set.getString("changes[0].before.title")).isEqualTo("Read");

        // restore the goal replace-all deleted, at its last version
        jsonAs(user).body("{\"version\": 5}").post(GOALS + "/" + id + "/restore").then().statusCode(200)
                .header("ETag", "\"7\"").body("title", equalTo("Run far")).body("version", equalTo(7))
                .body("status", equalTo("completed"));
        set = onlySetAfter(8);
        assertChange(set, id, "restored", 7);
        assertThat((Object) set.get("changes[0].before")).isNull();
        assertThat(set.getString("changes[0].goal.title")).isEqualTo("Run far");

        // all sets, oldest first, one per write, each as it was when written: what a change made of a goal
        // is told later by the goal's next change
        List<Object> sets = as(user).get(GOALS + "/changes?since=0").then().statusCode(200).extract().jsonPath().getList("");
        assertThat(sets).isEqualTo(setsAsWritten);
        List<Long> versions = as(user).get(GOALS + "/changes?since=0").then().statusCode(200).extract()
                .jsonPath().getList("collectionVersion", Long.class);
        assertThat(versions).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        as(user).get(GOALS + "/changes?since=0&limit=2").then().statusCode(200)
                .body("collectionVersion", equalTo(List.of(1, 2)));
    }

    @Test
    void restoringAnEarlierVersionOfALiveGoalWritesItAsANewVersion() {
        String id = jsonAs(user).body("{\"title\": \"First\"}").post(GOALS).then().statusCode(201).extract().path("id");
        jsonAs(user).body("{\"title\": \"Second\"}").put(GOALS + "/" + id).then().statusCode(200);

        jsonAs(user).header("If-Match", "\"1\"").body("{\"version\": 1}").post(GOALS + "/" + id + "/restore")
                .then().statusCode(412).contentType(startsWith(PROBLEM_JSON));
        jsonAs(user).body("{\"version\": 9}").post(GOALS + "/" + id + "/restore")
                .then().statusCode(404).contentType(startsWith(PROBLEM_JSON));
        jsonAs(user).body("{\"version\": " + Long.MAX_VALUE + "}").post(GOALS + "/" + id + "/restore")
                .then().statusCode(404).contentType(startsWith(PROBLEM_JSON));
        jsonAs(user).body("{\"versio\": 1}").post(GOALS + "/" + id + "/restore")
                .then().statusCode(400).contentType(startsWith(PROBLEM_JSON));
        as(user).get(GOALS + "/changes?since=2").then().body("size()", equalTo(0));

        jsonAs(user).header("If-Match", "\"2\"").body("{\"version\": 1}").post(GOALS + "/" + id + "/restore")
                .then().statusCode(200).header("ETag", "\"3\"").body("title", equalTo("First")).body("version", equalTo(3));
        JsonPath set = onlySetAfter(2);
        assertChange(set, id, "restored", 3);
        assertThat(set.getString("changes[0].before.title")).isEqualTo("Second");
        as(user).get(GOALS + "/" + id).then().body("title", equalTo("First")).body("version", equalTo(3));

        // restoring the content it has already changes nothing
        jsonAs(user).body("{\"version\": 1}").post(GOALS + "/" + id + "/restore").then().statusCode(200)
                .body("version", equalTo(3));
        as(user).get(GOALS + "/changes?since=3").then().body("size()", equalTo(0));

        as(user).get(GOALS + "/" + id + "/history").then().statusCode(200)
                .body("version", equalTo(List.of(3, 2, 1)))
                .body("kind", equalTo(List.of("restored", "updated", "created")))
                .body("goal.title", equalTo(List.of("First", "Second", "First")));
        as(user).get(GOALS + "/" + id + "/history?limit=1").then().body("version", equalTo(List.of(3)));
    }

    @Test
    void aDeletedGoalIsListedWithItsLastContentAndComesBackUnderItsId() {
        String id = jsonAs(user).body("{\"title\": \"Gone soon\"}").post(GOALS).then().statusCode(201).extract().path("id");
        as(user).delete(GOALS + "/" + id).then().statusCode(204);

        as(user).get(GOALS + "/deleted").then().statusCode(200)
                .body("goalId", equalTo(List.of(id)))
                .body("[0].deletedVersion", equalTo(2))
                .body("[0].goal.title", equalTo("Gone soon"))
                .body("[0].goal.version", equalTo(1));
        as(user).get(GOALS + "/" + id + "/history").then().statusCode(200).body("kind", equalTo(List.of("deleted", "created")));
        // another user sees none of it
        String other = Tokens.newUser();
        as(other).get(GOALS + "/deleted").then().statusCode(200).body("size()", equalTo(0));
        as(other).get(GOALS + "/" + id + "/history").then().statusCode(404).contentType(startsWith(PROBLEM_JSON));
        jsonAs(other).body("{\"version\": 1}").post(GOALS + "/" + id + "/restore").then().statusCode(404);
        as(other).get(GOALS + "/changes?since=0").then().statusCode(200).body("size()", equalTo(0));

        jsonAs(user).header("If-Match", "\"1\"").body("{\"version\": 1}").post(GOALS + "/" + id + "/restore")
                .then().statusCode(412);
        jsonAs(user).header("If-Match", "\"2\"").body("{\"version\": 1}").post(GOALS + "/" + id + "/restore")
                .then().statusCode(200).body("id", equalTo(id)).body("version", equalTo(3)).body("title", equalTo("Gone soon"));
        as(user).get(GOALS + "/" + id).then().statusCode(200).header("ETag", "\"3\"");
        as(user).get(GOALS + "/deleted").then().statusCode(200).body("size()", equalTo(0));
        assertChange(onlySetAfter(2), id, "restored", 3);
    }

    @Test
    void restoringAGoalWhoseIdAnotherUserTookIsAConflict() {
        String id = jsonAs(user).body("{\"title\": \"Mine\"}").post(GOALS).then().statusCode(201).extract().path("id");
        as(user).delete(GOALS + "/" + id).then().statusCode(204);
        String other = Tokens.newUser();
        jsonAs(other).body("{\"id\": \"" + id + "\", \"title\": \"Theirs now\"}").post(GOALS).then().statusCode(201);

        jsonAs(user).body("{\"version\": 1}").post(GOALS + "/" + id + "/restore").then().statusCode(409)
                .contentType(startsWith(PROBLEM_JSON));
        as(user).get(GOALS + "/changes?since=2").then().body("size()", equalTo(0));
        as(other).get(GOALS + "/" + id).then().body("title", equalTo("Theirs now"));
    }

    @Test
    void changesPastWhatIsKeptAre410AndBadParametersAre400() throws Exception {
        for (int i = 0; i < 4; i++) {
            jsonAs(user).body("{\"title\": \"g" + i + "\"}").post(GOALS).then().statusCode(201);
        }
        as(user).get(GOALS + "/changes?since=0").then().statusCode(200).body("size()", equalTo(4));
        // retention pruned the first two sets
        try (Connection connection = Db.superuser();
                PreparedStatement prune = connection.prepareStatement("""
                        with gone as (delete from change_sets where user_id = ? and collection_version <= 2 returning 1)
                        insert into history_horizons (user_id, kept_after) values (?, 2)""")) {
            prune.setString(1, user);
            prune.setString(2, user);
            prune.execute();
        }
        as(user).get(GOALS + "/changes?since=1").then().statusCode(410).contentType(startsWith(PROBLEM_JSON))
                .body("status", equalTo(410));
        as(user).get(GOALS + "/changes?since=2").then().statusCode(200).body("collectionVersion", equalTo(List.of(3, 4)));
        as(user).get(GOALS + "/changes?since=5").then().statusCode(410);

        for (String bad : List.of("since=-1", "since=x", "limit=0", "limit=1001", "limit=ten", "since=1.5")) {
            as(user).get(GOALS + "/changes?" + bad).then().statusCode(400).contentType(startsWith(PROBLEM_JSON))
                    .body("errors[0].field", equalTo(bad.substring(0, bad.indexOf('='))));
        }
        as(user).get(GOALS + "/changes?limit=1000").then().statusCode(410);
        as(Tokens.newUser()).get(GOALS + "/changes?limit=1000").then().statusCode(200).body("size()", equalTo(0));
        for (String bad : List.of("limit=0", "limit=1001", "limit=ten")) {
            as(user).get(GOALS + "/" + UUID.randomUUID() + "/history?" + bad).then().statusCode(400)
                    .contentType(startsWith(PROBLEM_JSON)).body("errors[0].field", equalTo("limit"));
        }
    }

    /** What V10 changed: a set's befores are compressed in its row, and nothing else of it is. */
    @Test
    void aSetOfManyGoalsHasOnlyItsBeforesCompressed() throws Exception {
        String goals = IntStream.range(0, 10)
                .mapToObj(i -> "{\"title\": \"Goal " + i + "\", \"description\": \"" + "Long enough to matter. ".repeat(4)
                        + "\", \"milestones\": [{\"title\": \"First\"}, {\"title\": \"Second\"}, {\"title\": \"Third\"}]}")
                .collect(Collectors.joining(",", "[", "]"));
        String etag = jsonAs(user).body(goals).put(GOALS).then().statusCode(200).extract().header("ETag");
        List<String> ids = as(user).get(GOALS).then().statusCode(200).extract().path("id");
        String renamed = ids.stream().map(id -> "{\"id\": \"" + id + "\", \"title\": \"Renamed\"}")
                .collect(Collectors.joining(",", "[", "]"));
        jsonAs(user).header("If-Match", etag).body(renamed).put(GOALS).then().statusCode(200);
        try (Connection connection = Db.superuser();
                PreparedStatement compression = connection.prepareStatement("""
                        select pg_column_compression(goal_ids), pg_column_compression(kinds),
                               pg_column_compression(versions), pg_column_compression(befores),
                               pg_column_size(befores) < octet_length(befores::text)
                        from change_sets where user_id = ? and collection_version = 2""")) {
            compression.setString(1, user);
            try (ResultSet row = compression.executeQuery()) {
                assertThat(row.next()).isTrue();
                assertThat(new String[] {row.getString(1), row.getString(2), row.getString(3)})
                        .as("goal ids, kinds and versions as written").containsOnlyNulls();
                assertThat(row.getString(4)).as("the befores' compression").isNotNull();
                assertThat(row.getBoolean(5)).as("the befores take less room than their text").isTrue();
            }
        }
    }

    @Test
    void aRequestIdThatIsNotASaneTokenIsReplaced() {
        jsonAs(user).header("X-Request-Id", "has spaces and \"quotes\"").body("{\"title\": \"t\"}").post(GOALS)
                .then().statusCode(201);
        assertThat(onlySetAfter(0).getString("request")).hasSize(36).doesNotContain(" ");
    }

    private JsonPath onlySetAfter(long since) {
        Response answer = as(user).get(GOALS + "/changes?since=" + since);
        answer.then().statusCode(200).body("size()", equalTo(1));
        setsAsWritten.add(answer.jsonPath().get("[0]"));
        return new JsonPath(answer.asString()).setRootPath("[0]");
    }

    private static void assertChange(JsonPath set, String goalId, String kind, int version) {
        assertThat(set.getList("changes")).hasSize(1);
        assertThat(set.getString("changes[0].goalId")).isEqualTo(goalId);
        assertThat(set.getString("changes[0].kind")).isEqualTo(kind);
        assertThat(set.getInt("changes[0].version")).isEqualTo(version);
        if (!kind.equals("deleted")) {
            assertThat(set.getInt("changes[0].goal.version")).isEqualTo(version);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> changeOf(JsonPath set, String goalId) {
        List<Map<String, Object>> changes = set.getList("changes");
        return changes.stream().filter(c -> goalId.equals(c.get("goalId"))).findFirst().orElseThrow();
    }
}
