package io.goalkeeper.goals;

import static io.goalkeeper.support.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.goalkeeper.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * Requests that must be refused: each one gets a 4xx problem+json answer, never a 5xx, and leaves
 * the user's goals exactly as they were. {@code GOAL} in a path or body stands for the user's goal.
 */
@QuarkusTest
class BadInputCorpusTest {

    private static final String GOALS = "/api/v1/goals";
    private static final String ONE = GOALS + "/GOAL";
    private static final String JSON = "application/json";
    private static final String AN_ID = "9b2f0c1e-3c1a-4d64-9a55-6f1c2f3b7d10";

    private String user;
    private String goal;

    /** How one bad request is sent. */
    record Case(String method, String path, String contentType, String body, Map<String, String> headers) {
    }

    static Stream<Arguments> corpus() {
        List<Arguments> cases = new ArrayList<>();
        // malformed JSON
        add(cases, "truncated object", post("{\"title\":"), 400);
        add(cases, "trailing garbage", post("{\"title\": \"x\"} and more"), 400);
        add(cases, "single quotes", post("{'title': 'x'}"), 400);
        add(cases, "NaN", post("{\"title\": \"x\", \"version\": NaN}"), 400);
        add(cases, "empty body", post(""), 400);
        add(cases, "trailing comma in array", replaceAll("[{\"title\": \"x\"},]"), 400);
        add(cases, "truncated update", update("{\"title\": \"x\""), 400);
        add(cases, "two top-level values", replaceAll("[] []"), 400);
        // wrong types
        add(cases, "title is a number", post("{\"title\": 123}"), 400);
        add(cases, "title is a boolean", post("{\"title\": true}"), 400);
        add(cases, "title is an object", post("{\"title\": {\"text\": \"x\"}}"), 400);
        add(cases, "title is an array", post("{\"title\": [\"x\"]}"), 400);
        add(cases, "description is a number", post("{\"title\": \"x\", \"description\": 5}"), 400);
        add(cases, "completed is the string true", post(goalWith("\"milestones\": [{\"title\": \"m\", \"completed\": \"true\"}]")), 400);
        add(cases, "completed is a number", post(goalWith("\"milestones\": [{\"title\": \"m\", \"completed\": 1}]")), 400);
        add(cases, "version is a string", replaceAll("[{\"title\": \"x\", \"version\": \"3\"}]"), 400);
        add(cases, "version is a fraction", replaceAll("[{\"title\": \"x\", \"version\": 1.5}]"), 400);
        add(cases, "milestones is an object", post(goalWith("\"milestones\": {\"title\": \"m\"}")), 400);
        add(cases, "targetDate is a number", post(goalWith("\"targetDate\": 20270501")), 400);
        add(cases, "replace-all body is an object", replaceAll("{\"title\": \"x\"}"), 400);
        add(cases, "replace-all body is a string", replaceAll("\"goals\""), 400);
        add(cases, "create body is an array", post("[{\"title\": \"x\"}]"), 400);
        // nulls
        add(cases, "null create body", post("null"), 400);
        add(cases, "null replace-all body", replaceAll("null"), 400);
        add(cases, "null goal in the array", replaceAll("[null]"), 400);
        add(cases, "null title", post("{\"title\": null}"), 400);
        add(cases, "missing title", post("{\"description\": \"no title\"}"), 400);
        add(cases, "null milestone", post(goalWith("\"milestones\": [null]")), 400);
        // sizes
        add(cases, "title of 201 characters", post("{\"title\": \"" + "t".repeat(201) + "\"}"), 400);
        add(cases, "description of 5001 characters", post(goalWith("\"description\": \"" + "d".repeat(5001) + "\"")), 400);
        add(cases, "category of 101 characters", post(goalWith("\"category\": \"" + "c".repeat(101) + "\"")), 400);
        add(cases, "milestone title of 201 characters", post(goalWith("\"milestones\": [{\"title\": \"" + "m".repeat(201) + "\"}]")), 400);
        add(cases, "51 milestones", post(goalWith("\"milestones\": [" + repeat("{\"title\": \"m\"}", 51) + "]")), 400);
        add(cases, "501 goals", replaceAll("[" + repeat("{\"title\": \"g\"}", 501) + "]"), 400);
        add(cases, "create body over 1 MiB", post("{\"title\": \"x\", \"description\": \"" + "d".repeat(1024 * 1024) + "\"}"), 413);
        add(cases, "replace-all body over 1 MiB", replaceAll("[" + repeat("{\"title\": \"" + "g".repeat(190) + "\"}", 6000) + "]"), 413);
        // duplicates
        add(cases, "duplicate goal ids", replaceAll("[{\"id\": \"" + AN_ID + "\", \"title\": \"a\"}, {\"id\": \"" + AN_ID + "\", \"title\": \"b\"}]"), 400);
        add(cases, "duplicate milestone ids", post(goalWith("\"milestones\": [{\"id\": \"" + AN_ID + "\", \"title\": \"a\"}, {\"id\": \"" + AN_ID + "\", \"title\": \"b\"}]")), 400);
        add(cases, "duplicate JSON keys", post("{\"title\": \"a\", \"title\": \"b\"}"), 400);
        // identifiers
        add(cases, "goal id is not a UUID", post("{\"id\": \"not-a-uuid\", \"title\": \"x\"}"), 400);
        add(cases, "goal id is a number", replaceAll("[{\"id\": 12345, \"title\": \"x\"}]"), 400);
        add(cases, "milestone id is not a UUID", post(goalWith("\"milestones\": [{\"id\": \"123\", \"title\": \"m\"}]")), 400);
        add(cases, "path id is not a UUID", new Case("PUT", GOALS + "/not-a-uuid", JSON, "{\"title\": \"x\"}", Map.of()), 404);
        add(cases, "milestone path id is not a UUID", new Case("POST", ONE + "/milestones/xyz/complete", null, null, Map.of()), 404);
        add(cases, "body id differs from the path id", update("{\"id\": \"" + AN_ID + "\", \"title\": \"x\"}"), 400);
        // dates
        add(cases, "month 13", post(goalWith("\"targetDate\": \"2027-13-01\"")), 400);
        add(cases, "February 30", post(goalWith("\"targetDate\": \"2027-02-30\"")), 400);
        add(cases, "a word for a date", post(goalWith("\"targetDate\": \"tomorrow\"")), 400);
        add(cases, "year 10000", post(goalWith("\"targetDate\": \"+10000-01-01\"")), 400);
        add(cases, "year 0", post(goalWith("\"milestones\": [{\"title\": \"m\", \"dueDate\": \"0000-01-01\"}]")), 400);
        add(cases, "a timestamp for a date", post(goalWith("\"targetDate\": \"2027-05-01T00:00:00Z\"")), 400);
        add(cases, "an empty array for a date", post(goalWith("\"targetDate\": []")), 400);
        add(cases, "an array of numbers for a date", post(goalWith("\"targetDate\": [2027, 5, 1]")), 400);
        add(cases, "a one-digit month", post(goalWith("\"milestones\": [{\"title\": \"m\", \"dueDate\": \"2027-5-01\"}]")), 400);
        // ids as sent or refused, never made up or trimmed
        add(cases, "an empty id", post(goalWith("\"id\": \"\"")), 400);
        add(cases, "an id with a space around it", post(goalWith("\"id\": \" " + AN_ID + " \"")), 400);
        add(cases, "an id in Base64", post(goalWith("\"id\": \"AAAAAAAAAAAAAAAAAAAAAA==\"")), 400);
        add(cases, "an empty milestone id", replaceAll("[" + goalWith("\"milestones\": [{\"id\": \"\", \"title\": \"m\"}]") + "]"), 400);
        // unknown fields
        add(cases, "unknown top-level field", post(goalWith("\"priority\": 1")), 400);
        add(cases, "unknown milestone field", post(goalWith("\"milestones\": [{\"title\": \"m\", \"notes\": \"n\"}]")), 400);
        add(cases, "unknown field in replace-all", replaceAll("[{\"title\": \"x\", \"owner\": \"someone-else\"}]"), 400);
        // content types
        add(cases, "text/plain body", new Case("POST", GOALS, "text/plain", "{\"title\": \"x\"}", Map.of()), 415);
        add(cases, "XML body", new Case("PUT", GOALS, "application/xml", "<goals/>", Map.of()), 415);
        add(cases, "form body", new Case("PUT", ONE, "application/x-www-form-urlencoded", "title=x", Map.of()), 415);
        // control characters
        add(cases, "NUL in the title", post("{\"title\": \"a\\u0000b\"}"), 400);
        add(cases, "bell in the category", post(goalWith("\"category\": \"a\\u0007\"")), 400);
        add(cases, "escape in a milestone title", post(goalWith("\"milestones\": [{\"title\": \"\\u001b[31mred\"}]")), 400);
        add(cases, "NUL in the description", post(goalWith("\"description\": \"line\\u0000\"")), 400);
        add(cases, "line break in the title", post("{\"title\": \"two\\nlines\"}"), 400);
        // rules
        add(cases, "blank title", post("{\"title\": \"   \"}"), 400);
        add(cases, "unknown status", post(goalWith("\"status\": \"done\"")), 400);
        add(cases, "version 0", replaceAll("[{\"id\": \"GOAL\", \"title\": \"x\", \"version\": 0}]"), 400);
        add(cases, "negative version", replaceAll("[{\"id\": \"GOAL\", \"title\": \"x\", \"version\": -1}]"), 400);
        add(cases, "unquoted If-Match", new Case("PUT", ONE, JSON, "{\"title\": \"x\"}", Map.of("If-Match", "1")), 400);
        add(cases, "unterminated If-Match", new Case("DELETE", ONE, null, null, Map.of("If-Match", "\"1")), 400);
        add(cases, "unquoted If-Match on replace-all", new Case("PUT", GOALS, JSON, "[]", Map.of("If-Match", "0")), 400);
        return cases.stream();
    }

    @BeforeEach
    void oneGoal() {
        user = Tokens.newUser();
        goal = as(user).contentType(JSON).body("""
                {"title": "Keep me", "milestones": [{"title": "As I am"}]}""").post(GOALS)
                .then().statusCode(201).extract().path("id");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void isRefusedWithAProblemAndChangesNothing(String name, Case bad, int status) {
        Response before = as(user).get(GOALS);

        RequestSpecification request = as(user).headers(bad.headers());
        if (bad.contentType() != null) {
            request.contentType(bad.contentType());
        }
        if (bad.body() != null) {
            request.body(bad.body().replace("GOAL", goal));
        }
        Response answer = request.request(bad.method(), bad.path().replace("GOAL", goal));

        answer.then()
                .statusCode(status)
                .contentType("application/problem+json")
                .body("status", equalTo(status))
                .body("type", not(emptyOrNullString()))
                .body("title", not(emptyOrNullString()))
                .body("detail", not(emptyOrNullString()));
        assertThat(answer.asString()).doesNotContain("Exception").doesNotContain("\tat ");
        List<Map<String, String>> errors = answer.path("errors");
        if (errors != null) {
            assertThat(errors).isNotEmpty().allSatisfy(error -> assertThat(error).containsKeys("field", "message"));
        }

        Response after = as(user).get(GOALS);
        assertThat(after.header("ETag")).isEqualTo(before.header("ETag")).isEqualTo("\"1\"");
        assertThat(after.asString()).isEqualTo(before.asString());
    }

    private static void add(List<Arguments> cases, String name, Case bad, int status) {
        cases.add(Arguments.of(name, bad, status));
    }

    private static Case post(String body) {
        return new Case("POST", GOALS, JSON, body, Map.of());
    }

    private static Case replaceAll(String body) {
        return new Case("PUT", GOALS, JSON, body, Map.of());
    }

    private static Case update(String body) {
        return new Case("PUT", ONE, JSON, body, Map.of());
    }

    private static String goalWith(String member) {
        return "{\"title\": \"x\", " + member + "}";
    }

    private static String repeat(String element, int times) {
        return String.join(",", Collections.nCopies(times, element));
    }
}
