package io.goalkeeper.database;

import static io.goalkeeper.support.Api.as;
import static io.goalkeeper.support.Api.jsonAs;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.goalkeeper.support.DocumentedOperations;
import io.goalkeeper.support.DocumentedOperations.Operation;
import io.goalkeeper.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/** The service started against a database that does not answer: it stays up and says so. */
@QuarkusTest
@TestProfile(DatabaseUnavailableTest.UnreachableDatabase.class)
class DatabaseUnavailableTest {

    public static class UnreachableDatabase implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            int port = closedPort();
            return Map.of(
                    "quarkus.datasource.reactive.url", "postgresql://127.0.0.1:" + port + "/goalkeeper",
                    "quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:" + port + "/goalkeeper",
                    "quarkus.flyway.migrate-at-start", "false");
        }

        private static int closedPort() {
            try (ServerSocket socket = new ServerSocket(0)) {
                return socket.getLocalPort();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void requestsAre503WithRetryAfter() {
        String user = Tokens.newUser();
        as(user).get("/api/v1/goals").then().statusCode(503).header("Retry-After", "5")
                .contentType("application/problem+json").body("status", equalTo(503));
        jsonAs(user).body("[]").put("/api/v1/goals").then().statusCode(503).header("Retry-After", "5")
                .contentType("application/problem+json");
    }

    @Test
    void everyDocumentedOperationAnswers503WithRetryAfter() {
        String user = Tokens.newUser();
        for (Operation operation : DocumentedOperations.all()) {
            RequestSpecification request = given().header("Authorization",
                    "Bearer " + (operation.isSync() ? Tokens.syncAdmin(user) : Tokens.forUser(user)));
            if (operation.takesJson()) {
                request.contentType("application/json").body(validBody(operation));
            }
            Response answer = operation.send(request);
            assertThat(answer.statusCode()).as(operation.toString()).isEqualTo(503);
            assertThat(answer.header("Retry-After")).as(operation.toString()).isEqualTo("5");
            assertThat(answer.contentType()).as(operation.toString()).startsWith("application/problem+json");
        }
    }

    /** A body the operation accepts, so that only the database can fail it. */
    private static String validBody(Operation operation) {
        String schema = operation.description().path("requestBody").path("content").path("application/json")
                .path("schema").toString();
        if (schema.contains("\"array\"")) {
            return "[]";
        }
        return schema.contains("ReleaseRequest") ? "{\"token\": 1}"
                : schema.contains("RestoreRequest") ? "{\"version\": 1}"
                : "{\"title\": \"Run a marathon\"}";
    }

    @Test
    void readinessIsDownAndLivenessUp() {
        given().get("/q/health/ready").then().statusCode(503).body("status", equalTo("DOWN"));
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }
}
