package io.goalkeeper.smartsuite;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.hasKey;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** The fake keeps to what SMARTSUITE.md says of SmartSuite, so tests against it mean something. */
class FakeSmartSuiteTest {

    private final FakeSmartSuite fake = new FakeSmartSuite();
    private final String records = "/applications/" + FakeSmartSuite.TABLE + "/records/";

    @AfterEach
    void stop() {
        fake.close();
    }

    private RequestSpecification api() {
        return given().baseUri(fake.baseUrl()).contentType(ContentType.JSON)
                .header("Authorization", "Token " + FakeSmartSuite.TOKEN).header("ACCOUNT-ID", FakeSmartSuite.ACCOUNT);
    }

    @Test
    void wrongTokenIs401AndWrongAccountIs403() {
        given().baseUri(fake.baseUrl()).header("Authorization", "Token nope").header("ACCOUNT-ID", FakeSmartSuite.ACCOUNT)
                .get("/applications/" + FakeSmartSuite.TABLE + "/").then().statusCode(401);
        given().baseUri(fake.baseUrl()).header("Authorization", "Token " + FakeSmartSuite.TOKEN).header("ACCOUNT-ID", "other123")
                .get("/applications/" + FakeSmartSuite.TABLE + "/").then().statusCode(403);
    }

    @Test
    void pathsWithoutTheTrailingSlashAreNotFound() {
        api().get("/applications/" + FakeSmartSuite.TABLE).then().statusCode(404);
        api().get("/applications/" + FakeSmartSuite.TABLE + "/").then().statusCode(200)
                .body("primary_field", equalTo("title")).body("structure.label", org.hamcrest.Matchers.hasItem("Goal ID"));
    }

    @Test
    void bulkCallsTakeAtMost25ItemsAndAnswerBareArrays() {
        api().body(Map.of("items", items(26))).post(records + "bulk/").then().statusCode(422);
        assertThat(fake.records()).isEmpty();
        api().body(Map.of("items", items(25))).post(records + "bulk/").then().statusCode(200)
                .body("$", hasSize(25)).body("[0].id", org.hamcrest.Matchers.matchesPattern("[0-9a-f]{24}"));
    }

    @Test
    void bulkUpdateDropsUnknownIdsAndDeletedRecordsAre404() {
        String id = api().body(Map.of("items", items(1))).post(records + "bulk/").then().statusCode(200).extract().path("[0].id");
        api().body(Map.of("items", List.of(Map.of("id", id, "title", "new"), Map.of("id", "0123456789abcdef01234567", "title", "x"))))
                .patch(records + "bulk/").then().statusCode(200).body("$", hasSize(1)).body("[0].title", equalTo("new"));
        api().body(Map.of("items", List.of(id, "0123456789abcdef01234567"))).queryParam("fields", "id")
                .patch(records + "bulk_delete/").then().statusCode(200).body("$", hasSize(1)).body("[0].id", equalTo(id));
        api().get(records + id + "/").then().statusCode(404);
    }

    @Test
    void listLeavesEmptyValuesOutAndFilters() {
        String description = fake.slug("Description");
        api().body(Map.of("items", List.of(Map.of("title", "a", description, ""), Map.of("title", "b", description, "text"))))
                .post(records + "bulk/").then().statusCode(200);
        api().queryParam("offset", 0).queryParam("limit", 10)
                .body(Map.of("sort", List.of(), "filter", Map.of("operator", "and",
                        "fields", List.of(Map.of("field", "title", "comparison", "is", "value", "a")))))
                .post(records + "list/").then().statusCode(200)
                .body("total", equalTo(1)).body("items[0]", not(hasKey(description)));
    }

    @Test
    void moreThanFiveCallsASecondAre429() {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            statuses.add(api().get("/applications/" + FakeSmartSuite.TABLE + "/").statusCode());
        }
        assertThat(statuses).contains(429);
    }

    private static List<Map<String, Object>> items(int n) {
        List<Map<String, Object>> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            items.add(Map.of("title", "record " + i));
        }
        return items;
    }
}
