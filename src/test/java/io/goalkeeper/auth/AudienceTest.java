package io.goalkeeper.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.goalkeeper.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** {@code MP_JWT_VERIFY_AUDIENCES} set as for Supabase: {@code aud} becomes required. */
@QuarkusTest
@TestProfile(AudienceTest.SupabaseAudience.class)
class AudienceTest {

    public static class SupabaseAudience implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mp.jwt.verify.audiences", "authenticated");
        }
    }

    @Test
    void aTokenWithoutAudIs401() {
        assertRefused(Tokens.withClaims(Map.of("sub", Tokens.newUser())));
    }

    @Test
    void aTokenForAnotherAudienceIs401() {
        assertRefused(Tokens.withClaims(Map.of("sub", Tokens.newUser(), "aud", "anon")));
        assertRefused(Tokens.withClaims(Map.of("sub", Tokens.newUser(), "aud", List.of("anon", "service_role"))));
    }

    @Test
    void aTokenForTheConfiguredAudienceIsAccepted() {
        assertAccepted(Tokens.withClaims(Map.of("sub", Tokens.newUser(), "aud", "authenticated")));
        assertAccepted(Tokens.withClaims(Map.of("sub", Tokens.newUser(), "aud", List.of("other", "authenticated"))));
    }

    private static void assertAccepted(String token) {
        given().header("Authorization", "Bearer " + token).get("/api/v1/goals").then()
                .statusCode(200)
                .body("size()", equalTo(0));
    }

    private static void assertRefused(String token) {
        given().header("Authorization", "Bearer " + token).get("/api/v1/goals").then()
                .statusCode(401)
                .header("WWW-Authenticate", "Bearer")
                .contentType("application/problem+json")
                .body("status", equalTo(401));
    }
}
