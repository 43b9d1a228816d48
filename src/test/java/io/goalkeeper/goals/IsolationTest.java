package io.goalkeeper.goals;

import static io.goalkeeper.support.Api.as;
import static io.goalkeeper.support.Api.jsonAs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.goalkeeper.support.Db;
import io.goalkeeper.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;

@QuarkusTest
class IsolationTest {

    private static final String GOALS = "/api/v1/goals";

    @Inject
    Pool pool;

    private String alice;
    private String bob;
    private String goal;
    private String milestone;

    @BeforeEach
    void aliceHasAGoal() {
        alice = Tokens.newUser();
        bob = Tokens.newUser();
        var created = jsonAs(alice).body("""
                {"title": "Alice's secret", "milestones": [{"title": "step"}]}""").post(GOALS);
        goal = created.path("id");
        milestone = created.path("milestones[0].id");
    }

    @Test
    void anotherUserCanNeitherReadNorChangeNorDeleteTheGoal() {
        as(bob).get(GOALS).then().statusCode(200).body("size()", equalTo(0));
        as(bob).get(GOALS + "/" + goal).then().statusCode(404);
        jsonAs(bob).body(Map.of("title", "mine now")).put(GOALS + "/" + goal).then().statusCode(404);
        as(bob).delete(GOALS + "/" + goal).then().statusCode(404);
        as(bob).post(GOALS + "/" + goal + "/complete").then().statusCode(404);
        as(bob).post(GOALS + "/" + goal + "/milestones/" + milestone + "/complete").then().statusCode(404);
        as(bob).post(GOALS + "/" + goal + "/milestones/initialize?replace=true").then().statusCode(404);
        jsonAs(bob).body("[{\"id\": \"" + goal + "\", \"title\": \"mine now\"}]").put(GOALS).then().statusCode(409);
        jsonAs(bob).body(Map.of("id", goal, "title", "mine now")).post(GOALS).then().statusCode(409);

        as(alice).get(GOALS + "/" + goal).then().statusCode(200).header("ETag", "\"1\"")
                .body("title", equalTo("Alice's secret")).body("milestones[0].completed", equalTo(false));
        assertThat(Db.goalsOf(pool, bob)).isEmpty();
    }

    @Test
    void replaceAllNamingAnotherUsersIdIs409ListingItAndWritesNothing() {
        String bobsOwn = jsonAs(bob).body("[{\"title\": \"Bob's own\"}]").put(GOALS).then().statusCode(200)
                .header("ETag", "\"1\"").extract().path("[0].id");
        String fresh = UUID.randomUUID().toString();
        String answer = jsonAs(bob).header("If-Match", "\"1\"").body("""
                [{"id": "%s", "title": "Bob's own, renamed"}, {"id": "%s", "title": "mine now"},
                 {"id": "%s", "title": "new"}]""".formatted(bobsOwn, goal, fresh))
                .put(GOALS).then().statusCode(409).contentType("application/problem+json")
                .body("type", equalTo("urn:goalkeeper:problem:id-conflict"))
                .body("ids", equalTo(java.util.List.of(goal)))
                .extract().asString();
        assertThat(answer).doesNotContain("Alice").doesNotContain(milestone).doesNotContain(alice);

        assertThat(Db.goalsOf(pool, bob)).containsExactly(bobsOwn + "|Bob's own|1");
        as(bob).get(GOALS).then().header("ETag", "\"1\"");
        assertThat(Db.goalsOf(pool, alice)).containsExactly(goal + "|Alice's secret|1");
    }

    @Test
    void anIdFreedByItsOwnerCanBeTakenAndDeletedByAnotherUser() {
        as(alice).delete(GOALS + "/" + goal).then().statusCode(204);
        jsonAs(bob).body(Map.of("id", goal, "title", "Bob's now")).post(GOALS).then().statusCode(201);
        as(bob).delete(GOALS + "/" + goal).then().statusCode(204);
        jsonAs(bob).body("[{\"id\": \"" + goal + "\", \"title\": \"Bob's again\"}]").put(GOALS).then().statusCode(200);
        jsonAs(bob).body("[]").put(GOALS).then().statusCode(200).body("size()", equalTo(0));

        assertThat(Db.goalsOf(pool, bob)).isEmpty();
        as(alice).get(GOALS + "/" + goal).then().statusCode(404);
        jsonAs(alice).body(Map.of("id", goal, "title", "Alice's again")).post(GOALS).then().statusCode(201);
    }

    @Test
    void aConnectionWithoutTheUserSettingSeesNoGoalsAndCannotWriteAny() {
        assertThat(Db.count(pool, "select count(*) from goals where user_id = '" + alice + "'")).isZero();
        assertThat(Db.count(pool, "select count(*) from goals")).isZero();
        assertThat(Db.count(pool, "select count(*) from user_collections")).isZero();
        assertThatThrownBy(() -> pool.preparedQuery("""
                insert into goals (id, user_id, title, status) values ($1, $2, 'sneaky', 'active')""")
                .execute(Tuple.of(UUID.randomUUID(), alice)).await().indefinitely())
                .isInstanceOf(PgException.class)
                .hasMessageContaining("row-level security");
        assertThat(pool.preparedQuery("update goals set title = 'changed' where id = $1")
                .execute(Tuple.of(UUID.fromString(goal))).await().indefinitely().rowCount()).isZero();
        assertThat(pool.preparedQuery("delete from goals where id = $1")
                .execute(Tuple.of(UUID.fromString(goal))).await().indefinitely().rowCount()).isZero();
        assertThat(Db.goalsOf(pool, alice)).containsExactly(goal + "|Alice's secret|1");
    }

    @Test
    void aConnectionSetToOneUserSeesOnlyThatUsersGoals() {
        jsonAs(bob).body(Map.of("title", "Bob's")).post(GOALS).then().statusCode(201);
        assertThat(Db.goalsOf(pool, bob)).singleElement().asString().endsWith("|Bob's|1");
        long seenAsBob = pool.withTransaction(connection -> connection
                .preparedQuery("select set_config('goalkeeper.user_id', $1, true)").execute(Tuple.of(bob))
                .chain(() -> connection.query("select count(*) from goals").execute()))
                .await().indefinitely().iterator().next().getLong(0);
        assertThat(seenAsBob).isEqualTo(1);
    }

    @Test
    void theServiceRoleIsNeitherSuperuserNorExemptFromRowLevelSecurity() {
        assertThat(Db.count(pool, """
                select count(*) from pg_roles where rolname = current_user and (rolsuper or rolbypassrls)""")).isZero();
        assertThat(Db.count(pool, """
                select count(*) from pg_class where relname in ('goals', 'user_collections')
                and relrowsecurity and relforcerowsecurity""")).isEqualTo(2);
    }
}
