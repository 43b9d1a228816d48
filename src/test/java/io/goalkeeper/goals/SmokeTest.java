package io.goalkeeper.goals;

import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.api.Test;

import io.goalkeeper.support.Api;
import io.goalkeeper.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class SmokeTest {
    @Test
    void aNewUserHasNoGoals() {
        Api.as(Tokens.newUser()).get("/api/v1/goals").then().statusCode(200).header("ETag", "\"0\"").body("size()", equalTo(0));
    }
}
