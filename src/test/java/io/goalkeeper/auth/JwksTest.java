package io.goalkeeper.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.Test;

import io.goalkeeper.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Tokens verified against a JWKS URL, as with Supabase's asymmetric keys: ES256, a {@code kid} per
 * key, keys that rotate while the service runs, and forged kids that must not turn into a flood of
 * reads of the key server.
 */
@QuarkusTest
@TestProfile(JwksTest.SupabaseKeys.class)
class JwksTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Duration MIN_REFRESH_INTERVAL = Duration.parse("PT" + FakeJwksResource.MIN_REFRESH_INTERVAL);

    public static class SupabaseKeys implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(FakeJwksResource.class));
        }
    }

    FakeJwks jwks;

    @Test
    void aTokenSignedWithAServedKeyIsAUserAndItsAppMetadataRolesAreItsRoles() {
        EllipticCurveJsonWebKey key = FakeJwks.newKey();
        serveAndAwaitAccepted(key);
        String user = Tokens.newUser();

        given().header("Authorization", "Bearer " + jwks.token(key, user)).contentType("application/json")
                .body(Map.of("title", "read the key set")).post("/api/v1/goals").then().statusCode(201);
        given().header("Authorization", "Bearer " + jwks.token(key, user)).get("/api/v1/goals").then()
                .statusCode(200)
                .body("size()", equalTo(1))
                .body("[0].title", equalTo("read the key set"));
        // Only sync-admin may release the lock: without the role a 403, with it the release is tried (no such lock token: 409).
        given().header("Authorization", "Bearer " + jwks.token(key, user)).contentType("application/json")
                .body(Map.of("token", -1)).post("/api/v1/sync/lock/release").then().statusCode(403);
        given().header("Authorization", "Bearer " + jwks.token(key, user, "sync-admin")).contentType("application/json")
                .body(Map.of("token", -1)).post("/api/v1/sync/lock/release").then().statusCode(409);
    }

    @Test
    void tokensThatAServedKeyDoesNotMakeValidAre401() throws Exception {
        EllipticCurveJsonWebKey key = FakeJwks.newKey();
        serveAndAwaitAccepted(key);
        String user = Tokens.newUser();
        long now = System.currentTimeMillis() / 1000;

        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put("expired", signed(key, Map.of("iat", now - 7200, "exp", now - 3600)));
        tokens.put("without aud", signed(key, Map.of("aud", List.of())));
        tokens.put("for another audience", signed(key, Map.of("aud", "anon")));
        tokens.put("from another issuer", signed(key, Map.of("iss", "https://elsewhere.supabase.co/auth/v1")));
        tokens.put("without sub", signed(key, Map.of("sub", "")));
        tokens.put("signed by another key under the served kid",
                FakeJwks.sign(FakeJwks.newKey(), key.getKeyId(), jwks.claims(user)));
        tokens.put("HS256 with the served public key as secret", hmacWithThePublicJwk(key, jwks.claims(user)));
        tokens.put("unsigned (alg none) under the served kid", unsigned(key.getKeyId(), jwks.claims(user)));
        tokens.put("malformed", "not.a.jwt");

        tokens.forEach((what, token) -> given().header("Authorization", "Bearer " + token).get("/api/v1/goals").then()
                .statusCode(401)
                .header("WWW-Authenticate", "Bearer")
                .contentType("application/problem+json")
                .body("status", equalTo(401)));
        given().header("Authorization", "Bearer " + jwks.token(key, user)).get("/api/v1/goals").then().statusCode(200);
    }

    @Test
    void aRotatedKeyIsAcceptedWithoutARestartAndTheRemovedKeyIsRefused() {
        EllipticCurveJsonWebKey old = FakeJwks.newKey();
        serveAndAwaitAccepted(old);
        String user = Tokens.newUser();

        EllipticCurveJsonWebKey rotated = FakeJwks.newKey();
        jwks.serve(rotated);
        Duration pickedUp = awaitStatus(jwks.token(rotated, user), 200);

        assertThat(pickedUp).as("seen within the minimum refresh interval").isLessThan(MIN_REFRESH_INTERVAL.plusSeconds(3));
        given().header("Authorization", "Bearer " + jwks.token(old, user)).get("/api/v1/goals").then().statusCode(401);
    }

    @Test
    void tokensOfAKnownKeyNeverReadTheKeySet() {
        EllipticCurveJsonWebKey key = FakeJwks.newKey();
        serveAndAwaitAccepted(key);
        int readsBefore = jwks.reads();

        for (int i = 0; i < 50; i++) {
            given().header("Authorization", "Bearer " + jwks.token(key, Tokens.newUser())).get("/api/v1/goals").then()
                    .statusCode(200);
        }

        assertThat(jwks.reads()).isEqualTo(readsBefore);
    }

    @Test
    void forgedKidsReadTheKeySetAtMostOncePerMinimumRefreshInterval() throws Exception {
        EllipticCurveJsonWebKey key = FakeJwks.newKey();
        serveAndAwaitAccepted(key);
        EllipticCurveJsonWebKey forger = FakeJwks.newKey();
        int readsBefore = jwks.reads();
        AtomicInteger sent = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        long started = System.nanoTime();
        long until = started + MIN_REFRESH_INTERVAL.multipliedBy(3).toNanos();

        // Eight clients forge tokens with random kids for three intervals (and at least 200 tokens).
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> forgers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                forgers.add(clients.submit(() -> {
                    while (System.nanoTime() < until || sent.get() < 200) {
                        String token = FakeJwks.sign(forger, UUID.randomUUID().toString(), jwks.claims(Tokens.newUser()));
                        sent.incrementAndGet();
                        if (given().header("Authorization", "Bearer " + token).get("/api/v1/goals").statusCode() == 401) {
                            refused.incrementAndGet();
                        }
                    }
                }));
            }
            for (Future<?> forgerDone : forgers) {
                forgerDone.get();
            }
        } finally {
            clients.shutdownNow();
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);

        assertThat(refused.get()).isEqualTo(sent.get()).isGreaterThanOrEqualTo(200);
        long mostReads = 1 + elapsed.toMillis() / MIN_REFRESH_INTERVAL.toMillis();
        assertThat(jwks.reads() - readsBefore).as("reads of the key set for %d forged tokens in %s", sent.get(), elapsed)
                .isBetween(1, (int) mostReads);
    }

    @Test
    void whileTheKeyServerFailsTheKeysReadBeforeStayInUse() {
        EllipticCurveJsonWebKey key = FakeJwks.newKey();
        serveAndAwaitAccepted(key);
        String user = Tokens.newUser();
        jwks.failing(true);
        try {
            int readsBefore = jwks.reads();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (jwks.reads() == readsBefore && System.nanoTime() < deadline) {
                String unknown = FakeJwks.sign(key, UUID.randomUUID().toString(), jwks.claims(user));
                given().header("Authorization", "Bearer " + unknown).get("/api/v1/goals").then().statusCode(401);
                pause();
            }
            assertThat(jwks.reads()).as("a failed read happened").isGreaterThan(readsBefore);

            given().header("Authorization", "Bearer " + jwks.token(key, user)).get("/api/v1/goals").then().statusCode(200);
        } finally {
            jwks.failing(false);
        }
    }

    /** Serves only this key and waits until the service has read it. */
    private void serveAndAwaitAccepted(EllipticCurveJsonWebKey key) {
        jwks.serve(key);
        awaitStatus(jwks.token(key, Tokens.newUser()), 200);
    }

    /** How long it took until {@code GET /api/v1/goals} with this token answered this status. */
    private static Duration awaitStatus(String token, int status) {
        long started = System.nanoTime();
        while (System.nanoTime() - started < WAIT.toNanos()) {
            if (given().header("Authorization", "Bearer " + token).get("/api/v1/goals").statusCode() == status) {
                return Duration.ofNanos(System.nanoTime() - started);
            }
            pause();
        }
        throw new AssertionError("no " + status + " within " + WAIT);
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A token signed with the served key whose claims are a valid user's with these changed; an empty value removes a claim. */
    private String signed(EllipticCurveJsonWebKey key, Map<String, Object> changes) {
        Map<String, Object> claims = jwks.claims(Tokens.newUser());
        changes.forEach((name, value) -> {
            if (value.equals("") || value.equals(List.of())) {
                claims.remove(name);
            } else {
                claims.put(name, value);
            }
        });
        return FakeJwks.sign(key, key.getKeyId(), claims);
    }

    private static String hmacWithThePublicJwk(EllipticCurveJsonWebKey key, Map<String, Object> claims) throws Exception {
        JwtClaims payload = new JwtClaims();
        claims.forEach(payload::setClaim);
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(payload.toJson());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
        jws.setKeyIdHeaderValue(key.getKeyId());
        jws.setKey(new HmacKey(key.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY).getBytes(StandardCharsets.UTF_8)));
        return jws.getCompactSerialization();
    }

    private static String unsigned(String kid, Map<String, Object> claims) {
        JwtClaims payload = new JwtClaims();
        claims.forEach(payload::setClaim);
        Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
        return encoder.encodeToString(("{\"alg\":\"none\",\"kid\":\"" + kid + "\"}").getBytes(StandardCharsets.UTF_8)) + "."
                + encoder.encodeToString(payload.toJson().getBytes(StandardCharsets.UTF_8)) + ".";
    }
}
