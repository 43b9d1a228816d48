package io.goalkeeper.goals;

import static io.goalkeeper.support.Api.as;
import static io.goalkeeper.support.Api.jsonAs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.goalkeeper.support.Db;
import io.goalkeeper.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;

@QuarkusTest
class ReplaceAllTest {

    private static final String GOALS = "/api/v1/goals";
    private static final String PROBLEM_JSON = "application/problem+json";

    @Inject
    Pool pool;

    private String user;
    private final UUID a = UUID.randomUUID();
    private final UUID b = UUID.randomUUID();
    private final UUID c = UUID.randomUUID();

    @BeforeEach
    void twoGoals() {
        user = Tokens.newUser();
        jsonAs(user).body(set(goal(a, "A"), goal(b, "B"))).put(GOALS).then().statusCode(200).header("ETag", "\"1\"");
    }

    @Test
    void updatesKnownGoalsInsertsNewOnesAndDeletesTheRest() {
        Response replaced = jsonAs(user).header("If-Match", "\"1\"")
                .body(set(goal(c, "C"), goal(b, "B2"))).put(GOALS);
        replaced.then().statusCode(200).header("ETag", "\"2\"")
                .body("id", contains(b.toString(), c.toString()))
                .body("title", contains("B2", "C"))
                .body("version", contains(2, 1));
        as(user).get(GOALS).then().header("ETag", "\"2\"").body("id", contains(b.toString(), c.toString()));
        assertThat(Db.goalsOf(pool, user)).containsExactly(b + "|B2|2", c + "|C|1");
    }

    @Test
    void unchangedGoalsKeepTheirVersionAndAnIdenticalSetChangesNothing() {
        jsonAs(user).body(set(goal(a, "A"), goal(b, "B changed"))).put(GOALS).then().statusCode(200)
                .header("ETag", "\"2\"").body("version", contains(1, 2));
        jsonAs(user).body(set(goal(a, "A"), goal(b, "B changed"))).put(GOALS).then().statusCode(200)
                .header("ETag", "\"2\"").body("version", contains(1, 2));
        assertThat(Db.goalsOf(pool, user)).containsExactly(a + "|A|1", b + "|B changed|2");
    }

    @Test
    void anEmptyArrayDeletesEverything() {
        jsonAs(user).body("[]").put(GOALS).then().statusCode(200).header("ETag", "\"2\"").body("size()", equalTo(0));
        assertThat(Db.goalsOf(pool, user)).isEmpty();
    }

    @Test
    void goalsWithoutIdsGetServerIds() {
        jsonAs(user).body(set(goal(a, "A"), "{\"title\": \"new\"}")).put(GOALS).then().statusCode(200)
                .body("title", contains("A", "new")).body("[1].id", not(nullValue()));
    }

    @Test
    void rollsBackEntirelyWhenOneGoalIsInvalid() {
        jsonAs(user).body(set(goal(c, "C"), goal(a, ""), goal(b, "B2"))).put(GOALS).then().statusCode(400)
                .contentType(PROBLEM_JSON).body("errors.field", hasItem("[1].title"));
        assertUnchanged();
    }

    @Test
    void rollsBackEntirelyWhenOneIdBelongsToAnotherUser() {
        String other = Tokens.newUser();
        UUID theirs = UUID.randomUUID();
        jsonAs(other).body(set(goal(theirs, "Theirs"))).put(GOALS).then().statusCode(200);

        jsonAs(user).body(set(goal(a, "A2"), goal(theirs, "Stolen"), goal(c, "C"))).put(GOALS).then().statusCode(409)
                .contentType(PROBLEM_JSON).body("type", endsWith("id-conflict")).body("ids", contains(theirs.toString()));
        assertUnchanged();
        assertThat(Db.goalsOf(pool, other)).containsExactly(theirs + "|Theirs|1");
    }

    @Test
    void rollsBackEntirelyWhenTheDatabaseFailsAtCommit() {
        // A deferred constraint trigger fails the transaction at COMMIT, after every statement succeeded.
        Db.execute(pool, """
                create function fail_at_commit() returns trigger language plpgsql as $$
                begin raise exception 'injected failure'; end $$;
                create constraint trigger fail_at_commit after insert or update on goals
                    deferrable initially deferred for each row
                    when (new.title = 'FAIL AT COMMIT') execute function fail_at_commit();""");
        try {
            Response failed = jsonAs(user).body(set(goal(a, "A2"), goal(c, "FAIL AT COMMIT"))).put(GOALS);
            failed.then().statusCode(500).contentType(PROBLEM_JSON).body("incident", not(nullValue()));
            assertThat(failed.asString()).doesNotContain("injected failure").doesNotContain("insert");
        } finally {
            Db.execute(pool, "drop trigger fail_at_commit on goals; drop function fail_at_commit();");
        }
        assertUnchanged();
    }

    @Test
    void aStaleIfMatchIs412AndChangesNothing() {
        jsonAs(user).header("If-Match", "\"0\"").body(set(goal(c, "C"))).put(GOALS).then().statusCode(412)
                .contentType(PROBLEM_JSON).body("currentEtag", equalTo("\"1\""));
        assertUnchanged();
    }

    @Test
    void aStaleGoalVersionIs409ListingTheIdsAndChangesNothing() {
        jsonAs(user).body(set(goal(a, "A2", 1), goal(b, "B2", 3), goal(c, "C", 1))).put(GOALS).then().statusCode(409)
                .contentType(PROBLEM_JSON).body("type", endsWith("stale-version"))
                .body("conflicts.id", contains(b.toString(), c.toString()))
                .body("conflicts[0].currentVersion", equalTo(1))
                .body("conflicts[1].currentVersion", nullValue());
        assertUnchanged();
    }

    @Test
    void matchingGoalVersionsAreAccepted() {
        jsonAs(user).body(set(goal(a, "A2", 1), goal(b, "B", 1))).put(GOALS).then().statusCode(200)
                .body("version", contains(2, 1));
    }

    @Test
    void duplicateIdsAre400AndChangeNothing() {
        jsonAs(user).body(set(goal(c, "C"), goal(c, "C again"))).put(GOALS).then().statusCode(400)
                .contentType(PROBLEM_JSON).body("errors.field", contains("[1].id"));
        assertUnchanged();
    }

    private void assertUnchanged() {
        as(user).get(GOALS).then().statusCode(200).header("ETag", "\"1\"").body("title", contains("A", "B"));
        assertThat(Db.goalsOf(pool, user)).containsExactly(a + "|A|1", b + "|B|1");
    }

    private static String set(String... goals) {
        return "[" + String.join(",", goals) + "]";
    }

    private static String goal(UUID id, String title) {
        return "{\"id\": \"" + id + "\", \"title\": \"" + title + "\"}";
    }

    private static String goal(UUID id, String title, long version) {
        return "{\"id\": \"" + id + "\", \"title\": \"" + title + "\", \"version\": " + version + "}";
    }
}
