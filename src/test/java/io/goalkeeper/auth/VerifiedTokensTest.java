package io.goalkeeper.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.goalkeeper.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.build.Jwt;

/** Each token is verified once, and trusted no longer than its exp. */
@QuarkusTest
class VerifiedTokensTest {

    @Inject
    VerifiedTokens verified;

    @Inject
    JWTParser parser;

    @Test
    void aTokenIsVerifiedOnceAndThenServedFromMemory() {
        String token = Tokens.forUser(Tokens.newUser());
        assertThat(verified.get(token)).isNull();
        given().header("Authorization", "Bearer " + token).get("/api/v1/goals").then().statusCode(200);
        assertThat(verified.get(token)).as("remembered after its first use").isNotNull();
        given().header("Authorization", "Bearer " + token).get("/api/v1/goals").then().statusCode(200);
    }

    @Test
    void aRefusedTokenIsNeverRemembered() {
        String forged = Tokens.signedByAnotherKey(Tokens.newUser());
        given().header("Authorization", "Bearer " + forged).get("/api/v1/goals").then().statusCode(401);
        assertThat(verified.get(forged)).isNull();
    }

    /**
     * Past its exp a token is checked again on every use and never remembered: the verifier's clock
     * allowance ({@code mp.jwt.verify.clock.skew}, 60 s) decides, never the memory.
     */
    @Test
    void aRememberedTokenIsCheckedAgainOnceItsExpHasPassed() throws Exception {
        Instant expiry = Instant.ofEpochSecond(Instant.now().getEpochSecond() + 2);
        String token = Jwt.subject(Tokens.newUser()).expiresAt(expiry).sign(Tokens.devKey());
        given().header("Authorization", "Bearer " + token).get("/api/v1/goals").then().statusCode(200);
        assertThat(verified.get(token)).isNotNull();

        long deadline = System.nanoTime() + 10_000_000_000L;
        while (Instant.now().isBefore(expiry)) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(20);
        }
        assertThat(verified.get(token)).as("forgotten at its exp").isNull();
        given().header("Authorization", "Bearer " + token).get("/api/v1/goals");
        assertThat(verified.get(token)).as("not remembered again once expired").isNull();
    }

    @Test
    void atMostTheBoundOfTokensIsKept() throws Exception {
        for (int i = 0; i < VerifiedTokens.MAX_TOKENS + 100; i++) {
            String token = Tokens.forUser("bound-" + i);
            verified.put(token, parser.parse(token));
        }
        assertThat(verified.size()).isEqualTo(VerifiedTokens.MAX_TOKENS);
        String newest = Tokens.forUser("newest");
        verified.put(newest, parser.parse(newest));
        assertThat(verified.get(newest)).isNotNull();
    }
}
