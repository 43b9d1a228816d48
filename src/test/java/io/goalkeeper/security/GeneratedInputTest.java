package io.goalkeeper.security;

import static io.restassured.RestAssured.given;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import org.assertj.core.api.SoftAssertions;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.goalkeeper.security.ApiDescription.Operation;
import io.goalkeeper.security.Exchange.Request;
import io.goalkeeper.support.Tokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Requests generated from the service's own OpenAPI document, filled with hostile values, sent over
 * HTTP to the running service as one user while another user's goals sit in the same database. Every
 * answer must be a success or a complete problem+json, never a server error; none may carry the
 * other user's goals; a write that succeeds must store exactly what was sent; and the other user's
 * goals must be untouched at the end. The seed is fixed, so a run can be repeated
 * ({@code -Dgoalkeeper.fuzz.seed=n} tries another).
 */
@QuarkusTest
class GeneratedInputTest {

    private static final Logger LOG = Logger.getLogger(GeneratedInputTest.class);
    private static final long SEED = Long.getLong("goalkeeper.fuzz.seed", 20261130L);
    private static final int RANDOM_REQUESTS = 7_000;
    /** Initialize is limited per user; a few calls cover it, and a 429 is a valid answer beyond them. */
    private static final int INITIALIZE_BUDGET = 25;
    private static final int RELIST_EVERY = 250;
    private static final Duration LOCK_WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TestHTTPResource("/")
    URI base;

    private List<Operation> operations;
    private String other;
    private Response othersGoalsBefore;
    private Credentials credentials;
    private Campaign campaign;
    private RequestGenerator generator;
    private long started;

    @BeforeEach
    void twoUsersWithGoals() throws Exception {
        started = System.nanoTime();
        operations = ApiDescription.operations(MAPPER.readTree(given().get("/q/openapi?format=json").then().statusCode(200)
                .extract().asString()));
        String owner = Tokens.newUser();
        // The other user's sub ends with '?': a lone surrogate carelessly encoded becomes that character.
        other = Tokens.newUser() + "?";
        String mark = UUID.randomUUID().toString().substring(0, 8);
        for (int i = 1; i <= 3; i++) {
            create(other, """
                    {"title": "Other user's private goal %1$s-%2$d", "description": "Other user's private notes %1$s-%2$d",
                     "category": "private", "milestones": [{"title": "Other user's step %1$s-%2$d-a"},
                     {"title": "Other user's step %1$s-%2$d-b", "dueDate": "2027-01-15"}]}""".formatted(mark, i));
            create(owner, """
                    {"title": "Own goal %d", "description": "Own notes", "milestones": [{"title": "Own step"},
                     {"title": "Another own step"}]}""".formatted(i));
        }
        othersGoalsBefore = goalsOf(other);
        JsonNode othersGoals = MAPPER.readTree(othersGoalsBefore.asString());
        List<String> othersGoalIds = new ArrayList<>();
        List<String> othersMilestoneIds = new ArrayList<>();
        for (JsonNode goal : othersGoals) {
            othersGoalIds.add(goal.get("id").asText());
            goal.get("milestones").forEach(milestone -> othersMilestoneIds.add(milestone.get("id").asText()));
        }

        credentials = new Credentials(owner, other);
        IdPool ids = new IdPool(othersGoalIds, othersMilestoneIds);
        campaign = new Campaign(base, ids, credentials, new AnswerChecks(othersGoals));
        generator = new RequestGenerator(new Random(SEED), ids, credentials);
        campaign.ownGoals();
    }

    @Test
    void everyHostileValueInEveryPlaceOfEveryOperationIsAnsweredSafely() {
        for (Operation op : operations) {
            // Initialize plans milestones and is limited per user: its own parameters are covered, not every credential.
            for (Request request : generator.corpus(op, !isInitialize(op))) {
                Exchange exchange = campaign.send(request);
                if (request.method().equals("DELETE") && exchange.answer().successful()) {
                    // Later cases for this operation name the same goal: bring it back so they reach it.
                    campaign.send(restore(request));
                }
            }
        }
        assertSafe();
    }

    @Test
    void randomRequestsBuiltFromTheOpenApiDocumentAreAnsweredSafely() {
        int initializeCalls = 0;
        for (int i = 0; i < RANDOM_REQUESTS; i++) {
            Operation op = generator.pick(operations);
            while (isInitialize(op) && initializeCalls >= INITIALIZE_BUDGET) {
                op = generator.pick(operations);
            }
            initializeCalls += isInitialize(op) ? 1 : 0;
            campaign.send(generator.random(op));
            if (i % RELIST_EVERY == 0) {
                campaign.ownGoals();
            }
        }
        assertSafe();
    }

    @AfterEach
    void syncLockIsIdleAgain() throws InterruptedException {
        // Generated requests start syncs and release locks; later tests expect an idle lock.
        String admin = SignedTokens.forUser(Tokens.newUser(), Credentials.ADMIN);
        long deadline = System.nanoTime() + LOCK_WAIT.toNanos();
        while (!"idle".equals(given().header("Authorization", "Bearer " + admin).get("/api/v1/sync/status").path("lock.status"))
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    private void assertSafe() {
        Response othersGoalsAfter = goalsOf(other);
        Findings findings = campaign.findings();
        LOG.infof("Sent %d requests (seed %d) in %d ms: %d distinct failures", campaign.sent(), SEED,
                (System.nanoTime() - started) / 1_000_000, findings.distinctCount());
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(othersGoalsAfter.asString()).as("the other user's goals after the requests")
                .isEqualTo(othersGoalsBefore.asString());
        softly.assertThat(othersGoalsAfter.header("ETag")).as("the other user's collection ETag")
                .isEqualTo(othersGoalsBefore.header("ETag"));
        softly.assertThat(findings.isEmpty())
                .withFailMessage("%d distinct failures in %d requests (seed %d):%s", findings.distinctCount(), campaign.sent(),
                        SEED, findings.report())
                .isTrue();
        softly.assertAll();
    }

    private Request restore(Request deletion) {
        String id = deletion.path().substring(deletion.path().lastIndexOf('/') + 1);
        return new Request("POST " + Campaign.GOALS, "POST", Campaign.GOALS,
                List.of(new Exchange.Header("Authorization", credentials.owner.authorizations().get(0)),
                        new Exchange.Header("Content-Type", RequestGenerator.JSON)),
                ("{\"id\": \"" + id + "\", \"title\": \"Restored\", \"milestones\": [{\"title\": \"Restored step\"}]}")
                        .getBytes(StandardCharsets.UTF_8),
                false, credentials.owner);
    }

    private static boolean isInitialize(Operation op) {
        return op.path().endsWith("/initialize");
    }

    private static void create(String user, String goal) {
        given().header("Authorization", "Bearer " + SignedTokens.forUser(user)).contentType(RequestGenerator.JSON).body(goal)
                .post(Campaign.GOALS).then().statusCode(201);
    }

    private static Response goalsOf(String user) {
        Response response = given().header("Authorization", "Bearer " + SignedTokens.forUser(user)).get(Campaign.GOALS);
        response.then().statusCode(200);
        return response;
    }
}
