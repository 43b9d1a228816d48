package io.goalkeeper.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;

import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.goalkeeper.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;

@QuarkusTest
class AuthenticationTest {

    static Stream<Arguments> badCredentials() {
        String user = Tokens.newUser();
        return Stream.of(
                Arguments.of("no Authorization header", null),
                Arguments.of("an expired token", "Bearer " + Tokens.expired(user)),
                Arguments.of("a token signed by another key", "Bearer " + Tokens.signedByAnotherKey(user)),
                Arguments.of("an unsigned token (alg none)", "Bearer " + Tokens.unsigned(user)),
                Arguments.of("HS256 with the public key's PEM text as secret", "Bearer " + Tokens.hmacWithThePublicKey(user, true)),
                Arguments.of("HS256 with the public key's DER bytes as secret", "Bearer " + Tokens.hmacWithThePublicKey(user, false)),
                Arguments.of("a signed token without sub", "Bearer " + Tokens.withClaims(Map.of("upn", user))),
                Arguments.of("a signed token without any name", "Bearer " + Tokens.withClaims(Map.of())),
                Arguments.of("a signed token with a blank sub", "Bearer " + Tokens.withClaims(Map.of("sub", " "))),
                Arguments.of("a signed token with a 256-character sub", "Bearer " + Tokens.withClaims(Map.of("sub", "u".repeat(256)))),
                Arguments.of("a malformed token", "Bearer not.a.jwt"),
                Arguments.of("an empty bearer", "Bearer "),
                Arguments.of("another scheme", "Basic dXNlcjpwYXNz"));
    }

    static Stream<Arguments> endpoints() {
        String id = UUID.randomUUID().toString();
        return Stream.of(
                Arguments.of("GET", "/api/v1/goals"),
                Arguments.of("PUT", "/api/v1/goals"),
                Arguments.of("POST", "/api/v1/goals"),
                Arguments.of("GET", "/api/v1/goals/" + id),
                Arguments.of("PUT", "/api/v1/goals/" + id),
                Arguments.of("DELETE", "/api/v1/goals/" + id),
                Arguments.of("POST", "/api/v1/goals/" + id + "/complete"),
                Arguments.of("POST", "/api/v1/goals/" + id + "/milestones/" + id + "/complete"),
                Arguments.of("POST", "/api/v1/goals/" + id + "/milestones/initialize"));
    }

    static Stream<Arguments> everyEndpointWithEveryBadCredential() {
        return endpoints().flatMap(endpoint -> badCredentials().map(credential -> Arguments.of(
                endpoint.get()[0], endpoint.get()[1], credential.get()[0], credential.get()[1])));
    }

    @ParameterizedTest(name = "{0} {1} with {2} is 401")
    @MethodSource("everyEndpointWithEveryBadCredential")
    void requestsWithoutAValidTokenAre401(String method, String path, String what, String authorization) {
        RequestSpecification request = given().contentType("application/json");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (!method.equals("GET") && !method.equals("DELETE")) {
            request.body(path.equals("/api/v1/goals") && method.equals("PUT") ? "[]" : "{\"title\": \"t\"}");
        }
        request.request(method, path).then()
                .statusCode(401)
                .header("WWW-Authenticate", "Bearer")
                .contentType("application/problem+json")
                .body("status", equalTo(401))
                .body("detail", not(containsString("Exception")));
    }

    @Test
    void aSignedTokenWithASubOf255CharactersIsAccepted() {
        given().header("Authorization", "Bearer " + Tokens.withClaims(Map.of("sub", "u".repeat(255))))
                .get("/api/v1/goals").then()
                .statusCode(200)
                .body("size()", equalTo(0));
    }
}
