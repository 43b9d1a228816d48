package io.goalkeeper.support;

import static io.restassured.RestAssured.given;

import java.time.Duration;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

/** RestAssured requests on behalf of a user. */
public final class Api {

    private static final Duration RUN_WAIT = Duration.ofSeconds(30);

    private Api() {
    }

    public static RequestSpecification as(String user) {
        return given().header("Authorization", "Bearer " + Tokens.forUser(user));
    }

    public static RequestSpecification jsonAs(String user) {
        return as(user).contentType(ContentType.JSON);
    }

    /** A request with role {@code sync-admin}, which the Sync API needs. */
    public static RequestSpecification asOperator(String user) {
        return given().header("Authorization", "Bearer " + Tokens.syncAdmin(user));
    }

    /** The sync run once it has ended, read through the Sync API as the operator {@code user}. */
    public static JsonPath awaitRunEnd(String user, int runId) {
        long deadline = System.nanoTime() + RUN_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonPath run = asOperator(user).get("/api/v1/sync/runs/" + runId).then().statusCode(200).extract().jsonPath();
            if (!"running".equals(run.getString("outcome"))) {
                return run;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("run " + runId + " did not end within " + RUN_WAIT);
    }
}
