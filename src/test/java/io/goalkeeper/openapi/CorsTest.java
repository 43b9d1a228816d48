package io.goalkeeper.openapi;

import static io.goalkeeper.support.Api.as;
import static io.goalkeeper.support.Api.jsonAs;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;

import io.goalkeeper.support.ObservedStatuses;
import io.goalkeeper.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Browsers on other origins: the test profile allows {@code https://app.example.com} (as
 * {@code QUARKUS_HTTP_CORS_ORIGINS} would); any other origin gets no {@code Access-Control-*} header.
 */
@QuarkusTest
class CorsTest {

    private static final String APP = "https://app.example.com";

    @Test
    void preflightOfAnAllowedOriginNamesTheMethodsHeadersAndHowLongToCacheIt() {
        Response answer = given().header("Origin", APP)
                .header("Access-Control-Request-Method", "PUT")
                .header("Access-Control-Request-Headers", "authorization,content-type,if-match")
                .options("/api/v1/goals");

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.header("Access-Control-Allow-Origin")).isEqualTo(APP);
        assertThat(list(answer, "Access-Control-Allow-Methods")).contains("get", "put", "post", "delete");
        assertThat(list(answer, "Access-Control-Allow-Headers"))
                .contains("authorization", "content-type", "if-match", "last-event-id");
        assertThat(answer.header("Access-Control-Max-Age")).isEqualTo("3600");
        assertThat(answer.header("Access-Control-Allow-Credentials")).isNotEqualTo("true");
    }

    @Test
    void preflightOfAnotherOriginIsNotAllowed() {
        Response answer = given().header("Origin", "https://evil.example.com")
                .header("Access-Control-Request-Method", "DELETE")
                .header("Access-Control-Request-Headers", "authorization")
                .options("/api/v1/goals/" + java.util.UUID.randomUUID());

        // Without Access-Control-Allow-Origin naming it, the browser refuses the call.
        assertThat(answer.header("Access-Control-Allow-Origin")).isNull();
    }

    @Test
    void anAnswerToAnAllowedOriginExposesETagLocationAndRetryAfter() {
        String user = Tokens.newUser();
        Response created = jsonAs(user).header("Origin", APP).body("{\"title\": \"Run a marathon\"}").post("/api/v1/goals");

        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.header("Access-Control-Allow-Origin")).isEqualTo(APP);
        assertThat(list(created, "Access-Control-Expose-Headers")).contains("etag", "location", "retry-after");
        assertThat(created.header("Access-Control-Allow-Credentials")).isNotEqualTo("true");
    }

    @Test
    void errorsOfACrossOriginRequestAreProblemsWithTheCorsHeaders() {
        String user = Tokens.newUser();
        as(user).get("/api/v1/goals").then().statusCode(200);

        Response stale = jsonAs(user).header("Origin", APP).header("If-Match", "\"41\"").body("[]").put("/api/v1/goals");
        Response anonymous = given().header("Origin", APP).get("/api/v1/goals");
        Response tooLarge = jsonAs(user).header("Origin", APP).body("[" + " ".repeat(1024 * 1024) + "]").put("/api/v1/goals");

        assertCrossOriginProblem(stale, 412);
        assertCrossOriginProblem(anonymous, 401);
        assertCrossOriginProblem(tooLarge, 413);
        as(user).get("/api/v1/goals").then().statusCode(200).header("ETag", "\"0\"");
    }

    @Test
    void anAnswerToAnotherOriginDoesNotAllowIt() {
        Response answer = as(Tokens.newUser()).header("Origin", "https://evil.example.com").get("/api/v1/goals");

        assertThat(answer.statusCode()).isEqualTo(403);
        assertThat(answer.statusLine()).contains(ObservedStatuses.CORS_REJECTED);
        assertThat(answer.header("Access-Control-Allow-Origin")).isNull();
    }

    private static void assertCrossOriginProblem(Response answer, int status) {
        assertThat(answer.statusCode()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.jsonPath().getInt("status")).isEqualTo(status);
        assertThat(answer.header("Access-Control-Allow-Origin")).as("Allow-Origin of a " + status).isEqualTo(APP);
        assertThat(list(answer, "Access-Control-Expose-Headers")).as("Expose-Headers of a " + status).contains("etag");
    }

    private static List<String> list(Response answer, String header) {
        String value = answer.header(header);
        return value == null ? List.of()
                : Arrays.stream(value.split(",")).map(v -> v.trim().toLowerCase(Locale.ROOT)).toList();
    }
}
