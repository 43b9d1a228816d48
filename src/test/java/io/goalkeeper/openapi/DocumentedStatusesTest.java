package io.goalkeeper.openapi;

import static io.goalkeeper.support.Api.as;
import static io.goalkeeper.support.Api.jsonAs;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.goalkeeper.support.DocumentedOperations;
import io.goalkeeper.support.DocumentedOperations.Operation;
import io.goalkeeper.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * The answers every operation gives before it reads anything, for every operation of the served
 * document: no token, a token without the role, a body that is not JSON, a body over 1 MiB, a malformed
 * or a stale {@code If-Match}. Each is
 * problem+json, as the document says.
 */
@QuarkusTest
class DocumentedStatusesTest {

    private static final String PROBLEM_JSON = "application/problem+json";
    private static final String OVER_ONE_MIB = "[" + " ".repeat(1024 * 1024) + "]";

    @Test
    void everyOperationAnswers401WithoutAToken() {
        for (Operation operation : operations()) {
            RequestSpecification request = given();
            if (operation.takesJson()) {
                request.contentType("application/json").body("{}");
            }
            Response answer = operation.send(request);
            assertProblem(operation, answer, 401);
            assertThat(answer.header("WWW-Authenticate")).as(operation.toString()).isEqualTo("Bearer");
        }
    }

    @Test
    void everySyncOperationAnswers403ToATokenWithoutARole() {
        String token = Tokens.forUser(Tokens.newUser());
        List<Operation> sync = operations().stream().filter(Operation::isSync).toList();
        assertThat(sync).isNotEmpty();
        for (Operation operation : sync) {
            RequestSpecification request = given().header("Authorization", "Bearer " + token);
            if (operation.takesJson()) {
                request.contentType("application/json").body("{\"token\": 1}");
            }
            assertProblem(operation, operation.send(request), 403);
        }
    }

    @Test
    void everyOperationTakingJsonAnswers415ToAnotherMediaType() {
        for (Operation operation : operations().stream().filter(Operation::takesJson).toList()) {
            assertProblem(operation, operation.send(authorized(operation).contentType("text/plain").body("{}")), 415);
        }
    }

    @Test
    void everyOperationTakingJsonAnswers413ToABodyOverOneMebibyte() {
        for (Operation operation : operations().stream().filter(Operation::takesJson).toList()) {
            assertProblem(operation, operation.send(authorized(operation).contentType("application/json").body(OVER_ONE_MIB)), 413);
        }
    }

    @Test
    void everyOperationTakingIfMatchAnswers400ToAMalformedOneAndChangesNothing() {
        assertEveryConditionalWriteRefuses("\"1", 400);
    }

    @Test
    void everyOperationTakingIfMatchAnswers412ToAStaleOneAndChangesNothing() {
        assertEveryConditionalWriteRefuses("\"99\"", 412);
    }

    /** Sends {@code ifMatch} with every operation that takes it, on a goal with a milestone, expecting {@code status}. */
    private static void assertEveryConditionalWriteRefuses(String ifMatch, int status) {
        String user = Tokens.newUser();
        Response created = jsonAs(user).body("{\"title\": \"Run a marathon\", \"milestones\": [{\"title\": \"Run 10k\"}]}")
                .post("/api/v1/goals");
        created.then().statusCode(201);
        Map<String, String> ids = Map.of("id", created.path("id"), "milestoneId", created.path("milestones[0].id"));
        String before = as(user).get("/api/v1/goals").asString();
        List<Operation> conditional = operations().stream().filter(operation -> operation.takesHeader("If-Match")).toList();
        assertThat(conditional).hasSizeGreaterThanOrEqualTo(6);

        for (Operation operation : conditional) {
            RequestSpecification request = as(user).header("If-Match", ifMatch);
            if (operation.takesJson()) {
                request.contentType("application/json").body(operation.template().endsWith("/restore")
                        ? "{\"version\": 1}"
                        : operation.template().endsWith("{id}") ? "{\"title\": \"Changed\"}" : "[{\"title\": \"Changed\"}]");
            }
            assertProblem(operation, operation.send(request, ids), status);
        }
        assertThat(as(user).get("/api/v1/goals").asString()).isEqualTo(before);
    }

    private static List<Operation> operations() {
        List<Operation> operations = DocumentedOperations.all();
        assertThat(operations).isNotEmpty();
        return operations;
    }

    private static RequestSpecification authorized(Operation operation) {
        String user = Tokens.newUser();
        return given().header("Authorization", "Bearer " + (operation.isSync() ? Tokens.syncAdmin(user) : Tokens.forUser(user)));
    }

    private static void assertProblem(Operation operation, Response answer, int status) {
        assertThat(answer.statusCode()).as(operation.toString()).isEqualTo(status);
        assertThat(answer.contentType()).as(operation.toString()).startsWith(PROBLEM_JSON);
        assertThat(answer.jsonPath().getInt("status")).as(operation.toString()).isEqualTo(status);
    }
}
