package io.goalkeeper.database;

import static io.goalkeeper.support.Api.as;
import static io.goalkeeper.support.Api.jsonAs;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.goalkeeper.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

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
    void readinessIsDownAndLivenessUp() {
        given().get("/q/health/ready").then().statusCode(503).body("status", equalTo("DOWN"));
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }
}
