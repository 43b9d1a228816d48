package io.goalkeeper.goals;

import static io.goalkeeper.support.Api.as;
import static io.goalkeeper.support.Api.jsonAs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
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
class GoalApiTest {

    private static final String GOALS = "/api/v1/goals";
    private static final String PROBLEM_JSON = "application/problem+json";

    @Inject
    Pool pool;

    private String user;

    @BeforeEach
    void newUser() {
        user = Tokens.newUser();
    }

    @Test
    void aNewUserHasAnEmptyCollectionAtVersionZero() {
        as(user).get(GOALS).then().statusCode(200).header("ETag", "\"0\"").body("size()", equalTo(0));
    }

    @Test
    void createAnswers201WithLocationETagAndTheStoredGoal() {
        Response created = jsonAs(user).body("""
                {"title": "Run a marathon", "description": "Spring race", "category": "health",
                 "targetDate": "2027-05-01",
                 "milestones": [{"title": "Run 10k", "dueDate": "2027-01-15"}, {"title": "Run 21k"}]}""")
                .post(GOALS);
        created.then().statusCode(201)
                .header("ETag", "\"1\"")
                .body("title", equalTo("Run a marathon"))
                .body("description", equalTo("Spring race"))
                .body("category", equalTo("health"))
                .body("targetDate", equalTo("2027-05-01"))
                .body("status", equalTo("active"))
                .body("completedAt", nullValue())
                .body("version", equalTo(1))
                .body("createdAt", notNullValue())
                .body("milestones", hasSize(2))
                .body("milestones[0].title", equalTo("Run 10k"))
                .body("milestones[0].dueDate", equalTo("2027-01-15"))
                .body("milestones[0].completed", equalTo(false))
                .body("milestones[1].title", equalTo("Run 21k"));
        String id = created.path("id");
        assertThat(created.header("Location")).endsWith("/api/v1/goals/" + id);

        as(user).get(GOALS + "/" + id).then().statusCode(200).header("ETag", "\"1\"")
                .body("id", equalTo(id)).body("milestones[1].title", equalTo("Run 21k"));
        as(user).get(GOALS).then().statusCode(200).header("ETag", "\"1\"").body("id", equalTo(List.of(id)));
        assertThat(Db.goalsOf(pool, user)).containsExactly(id + "|Run a marathon|1");
    }

    @Test
    void createKeepsAClientGivenIdAndRefusesItTwice() {
        String id = UUID.randomUUID().toString();
        jsonAs(user).body(Map.of("id", id, "title", "Mine")).post(GOALS).then().statusCode(201).body("id", equalTo(id));
        jsonAs(user).body(Map.of("id", id, "title", "Again")).post(GOALS).then().statusCode(409)
                .contentType(PROBLEM_JSON).body("type", endsWith("id-conflict"));
        assertThat(Db.goalsOf(pool, user)).containsExactly(id + "|Mine|1");
    }

    @Test
    void serverFieldsAreAcceptedAndIgnoredOnInput() {
        jsonAs(user).body("""
                {"title": "T", "version": 99, "createdAt": "1999-01-01T00:00:00Z", "updatedAt": "x",
                 "completedAt": "2000-01-01T00:00:00Z", "milestones": [{"title": "m", "completedAt": "x"}]}""")
                .post(GOALS).then().statusCode(201)
                .body("version", equalTo(1)).body("completedAt", nullValue())
                .body("milestones[0].completedAt", nullValue());
    }

    @Test
    void getOfAnUnknownGoalIs404ProblemJson() {
        as(user).get(GOALS + "/" + UUID.randomUUID()).then().statusCode(404).contentType(PROBLEM_JSON)
                .body("status", equalTo(404)).body("title", notNullValue()).body("detail", notNullValue());
    }

    @Test
    void updateReplacesTheGoalAndMovesItsVersionAndTheCollectionETag() {
        String id = create("Learn Spanish");
        jsonAs(user).header("If-Match", "\"1\"").body("""
                {"title": "Learn Spanish well", "category": "languages", "milestones": [{"title": "A1"}]}""")
                .put(GOALS + "/" + id).then().statusCode(200).header("ETag", "\"2\"")
                .body("title", equalTo("Learn Spanish well")).body("category", equalTo("languages"))
                .body("version", equalTo(2)).body("milestones[0].title", equalTo("A1"));
        as(user).get(GOALS).then().header("ETag", "\"2\"");
    }

    @Test
    void anUpdateThatChangesNothingKeepsTheVersion() {
        Response created = jsonAs(user).body("""
                {"title": "Same", "milestones": [{"title": "m1"}]}""").post(GOALS);
        String id = created.path("id");
        String milestoneId = created.path("milestones[0].id");
        jsonAs(user).body(Map.of("title", "Same", "milestones", List.of(Map.of("id", milestoneId, "title", "m1"))))
                .put(GOALS + "/" + id).then().statusCode(200).header("ETag", "\"1\"").body("version", equalTo(1));
        as(user).get(GOALS).then().header("ETag", "\"1\"");
    }

    @Test
    void updateWithAStaleIfMatchIs412AndChangesNothing() {
        String id = create("Original");
        jsonAs(user).header("If-Match", "\"7\"").body(Map.of("title", "Changed")).put(GOALS + "/" + id)
                .then().statusCode(412).contentType(PROBLEM_JSON).body("currentEtag", equalTo("\"1\""));
        jsonAs(user).header("If-Match", "W/\"1\"").body(Map.of("title", "Changed")).put(GOALS + "/" + id)
                .then().statusCode(412);
        assertThat(Db.goalsOf(pool, user)).containsExactly(id + "|Original|1");
    }

    @Test
    void ifMatchAcceptsAListAndTheWildcard() {
        String id = create("Original");
        jsonAs(user).header("If-Match", "\"5\", \"1\"").body(Map.of("title", "Second")).put(GOALS + "/" + id)
                .then().statusCode(200).header("ETag", "\"2\"");
        jsonAs(user).header("If-Match", "*").body(Map.of("title", "Third")).put(GOALS + "/" + id)
                .then().statusCode(200).header("ETag", "\"3\"");
    }

    @Test
    void updateOfAnUnknownGoalIs404() {
        jsonAs(user).body(Map.of("title", "x")).put(GOALS + "/" + UUID.randomUUID()).then().statusCode(404)
                .contentType(PROBLEM_JSON);
    }

    @Test
    void deleteAnswers204ThenTheGoalIsGone() {
        String id = create("Short lived");
        as(user).header("If-Match", "\"3\"").delete(GOALS + "/" + id).then().statusCode(412).contentType(PROBLEM_JSON);
        assertThat(Db.goalsOf(pool, user)).hasSize(1);
        as(user).header("If-Match", "\"1\"").delete(GOALS + "/" + id).then().statusCode(204);
        as(user).get(GOALS + "/" + id).then().statusCode(404);
        as(user).delete(GOALS + "/" + id).then().statusCode(404).contentType(PROBLEM_JSON);
        as(user).get(GOALS).then().header("ETag", "\"2\"").body("size()", equalTo(0));
        assertThat(Db.goalsOf(pool, user)).isEmpty();
    }

    @Test
    void completeIsIdempotent() {
        String id = create("Finish");
        Response first = as(user).post(GOALS + "/" + id + "/complete");
        first.then().statusCode(200).header("ETag", "\"2\"").body("status", equalTo("completed"))
                .body("completedAt", notNullValue());
        as(user).post(GOALS + "/" + id + "/complete").then().statusCode(200).header("ETag", "\"2\"")
                .body("completedAt", equalTo(first.path("completedAt")));
        as(user).get(GOALS).then().header("ETag", "\"2\"");
    }

    @Test
    void completeChecksIfMatch() {
        String id = create("Finish");
        as(user).header("If-Match", "\"9\"").post(GOALS + "/" + id + "/complete").then().statusCode(412);
        as(user).get(GOALS + "/" + id).then().body("status", equalTo("active"));
    }

    @Test
    void completeOfAnUnknownGoalIs404() {
        as(user).post(GOALS + "/" + UUID.randomUUID() + "/complete").then().statusCode(404).contentType(PROBLEM_JSON);
    }

    @Test
    void completeMilestoneIsIdempotentAndLeavesTheOthers() {
        Response created = jsonAs(user).body("""
                {"title": "Steps", "milestones": [{"title": "one"}, {"title": "two"}]}""").post(GOALS);
        String id = created.path("id");
        String second = created.path("milestones[1].id");
        Response first = as(user).post(GOALS + "/" + id + "/milestones/" + second + "/complete");
        first.then().statusCode(200).header("ETag", "\"2\"")
                .body("milestones[0].completed", equalTo(false))
                .body("milestones[1].completed", equalTo(true))
                .body("milestones[1].completedAt", notNullValue())
                .body("status", equalTo("active"));
        as(user).post(GOALS + "/" + id + "/milestones/" + second + "/complete").then().statusCode(200)
                .header("ETag", "\"2\"").body("milestones[1].completedAt", equalTo(first.path("milestones[1].completedAt")));
    }

    @Test
    void completeOfAnUnknownMilestoneIs404() {
        String id = create("No such step");
        as(user).post(GOALS + "/" + id + "/milestones/" + UUID.randomUUID() + "/complete").then().statusCode(404)
                .contentType(PROBLEM_JSON);
        as(user).get(GOALS + "/" + id).then().header("ETag", "\"1\"");
    }

    @Test
    void completionTimesAreKeptWhenTheClientSendsTheGoalBack() {
        Response created = jsonAs(user).body("""
                {"title": "Keep", "status": "completed", "milestones": [{"title": "m", "completed": true}]}""").post(GOALS);
        String id = created.path("id");
        String completedAt = created.path("completedAt");
        String milestoneCompletedAt = created.path("milestones[0].completedAt");
        assertThat(completedAt).isNotNull();
        jsonAs(user).body(Map.of("title", "Keep, renamed", "status", "completed", "milestones",
                List.of(Map.of("id", created.path("milestones[0].id"), "title", "m", "completed", true))))
                .put(GOALS + "/" + id).then().statusCode(200)
                .body("completedAt", equalTo(completedAt))
                .body("milestones[0].completedAt", equalTo(milestoneCompletedAt));
        jsonAs(user).body(Map.of("title", "Reopened")).put(GOALS + "/" + id).then().statusCode(200)
                .body("status", equalTo("active")).body("completedAt", nullValue());
    }

    @Test
    void initializePlansMilestonesUpToTheTargetDate() {
        LocalDate target = LocalDate.now(ZoneOffset.UTC).plusMonths(6);
        String id = jsonAs(user).body(Map.of("title", "Write a book", "category", "craft", "targetDate", target.toString()))
                .post(GOALS).path("id");
        Response planned = as(user).post(GOALS + "/" + id + "/milestones/initialize");
        planned.then().statusCode(200).header("ETag", "\"2\"").body("plannedBy", equalTo("builtin"))
                .body("version", equalTo(2)).body("title", equalTo("Write a book"));
        List<Map<String, Object>> milestones = planned.path("milestones");
        assertThat(milestones).hasSizeBetween(3, 7);
        List<LocalDate> dueDates = milestones.stream().map(m -> LocalDate.parse((String) m.get("dueDate"))).toList();
        assertThat(dueDates).isSorted();
        assertThat(dueDates.get(dueDates.size() - 1)).isEqualTo(target);
        assertThat(milestones).allSatisfy(m -> assertThat((String) m.get("title")).contains("Write a book"));
        as(user).get(GOALS + "/" + id).then().body("milestones", hasSize(milestones.size()));
    }

    @Test
    void initializeRefusesAGoalWithMilestonesUnlessAskedToReplace() {
        String id = jsonAs(user).body("""
                {"title": "Has steps", "milestones": [{"title": "mine"}]}""").post(GOALS).path("id");
        as(user).post(GOALS + "/" + id + "/milestones/initialize").then().statusCode(409).contentType(PROBLEM_JSON)
                .body("type", endsWith("milestones-present"));
        as(user).get(GOALS + "/" + id).then().header("ETag", "\"1\"").body("milestones[0].title", equalTo("mine"));

        as(user).post(GOALS + "/" + id + "/milestones/initialize?replace=true").then().statusCode(200)
                .body("plannedBy", equalTo("builtin")).body("milestones.title", org.hamcrest.Matchers.not(
                        org.hamcrest.Matchers.hasItem("mine")));
    }

    @Test
    void initializeOfAnUnknownGoalIs404() {
        as(user).post(GOALS + "/" + UUID.randomUUID() + "/milestones/initialize").then().statusCode(404)
                .contentType(PROBLEM_JSON);
    }

    @Test
    void aUserHasAtMost500Goals() {
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < 500; i++) {
            body.append(i == 0 ? "" : ",").append("{\"title\": \"goal ").append(i).append("\"}");
        }
        jsonAs(user).body(body.append("]").toString()).put(GOALS).then().statusCode(200).body("size()", equalTo(500));
        jsonAs(user).body(Map.of("title", "one too many")).post(GOALS).then().statusCode(409).contentType(PROBLEM_JSON)
                .body("type", endsWith("goal-limit"));
        assertThat(Db.goalsOf(pool, user)).hasSize(500);
    }

    @Test
    void textThatIsNotValidUnicodeIs400NamingTheFieldAndNothingIsStored() {
        Map<String, String> bodies = Map.of(
                "title", "{\"title\": \"a\\ud800b\"}",
                "description", "{\"title\": \"t\", \"description\": \"line\\udc00\"}",
                "category", "{\"title\": \"t\", \"category\": \"\\udbff\"}",
                "milestones[0].title", "{\"title\": \"t\", \"milestones\": [{\"title\": \"\\udfff\\ud800\"}]}");
        for (var body : bodies.entrySet()) {
            jsonAs(user).body(body.getValue()).post(GOALS).then().statusCode(400).contentType(PROBLEM_JSON)
                    .body("errors.field", equalTo(List.of(body.getKey())))
                    .body("errors[0].message", org.hamcrest.Matchers.containsString("valid Unicode"));
        }
        jsonAs(user).body("[" + bodies.get("title") + "]").put(GOALS).then().statusCode(400)
                .body("errors.field", equalTo(List.of("[0].title")));
        assertThat(Db.goalsOf(pool, user)).isEmpty();

        String pair = "run \ud83c\udfc3 far";
        String id = jsonAs(user).body("{\"title\": \"run \\ud83c\\udfc3 far\"}").post(GOALS).then().statusCode(201)
                .body("title", equalTo(pair)).extract().path("id");
        assertThat(Db.goalsOf(pool, user)).containsExactly(id + "|" + pair + "|1");
    }

    @Test
    void aTokenWhoseSubjectCannotBeStoredExactlyIs401() {
        for (String subject : List.of("\"user\\ud800\"", "\"user\\u0000x\"")) {
            io.restassured.RestAssured.given()
                    .header("Authorization", "Bearer " + Tokens.signedClaims(Tokens.claimsWithSubject(subject))).get(GOALS)
                    .then().statusCode(401).contentType(PROBLEM_JSON).header("WWW-Authenticate", "Bearer");
        }
        io.restassured.RestAssured.given()
                .header("Authorization", "Bearer " + Tokens.signedClaims(Tokens.claimsWithSubject("\"" + user + "\"")))
                .get(GOALS).then().statusCode(200);
    }

    private String create(String title) {
        return jsonAs(user).body(Map.of("title", title)).post(GOALS).then().statusCode(201).extract().path("id");
    }
}
