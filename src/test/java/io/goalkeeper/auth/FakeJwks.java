package io.goalkeeper.auth;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.keys.EllipticCurves;

import io.goalkeeper.support.LocalHttpServer;

/**
 * A Supabase project's key endpoint ({@code /auth/v1/.well-known/jwks.json}) on a random loopback
 * port, serving the keys a test chooses and counting how often it is read; plus tokens signed the way
 * Supabase signs them (ES256, with a {@code kid}).
 */
final class FakeJwks implements AutoCloseable {

    static final String PATH = "/auth/v1/.well-known/jwks.json";
    static final String AUDIENCE = "authenticated";

    private final AtomicInteger reads = new AtomicInteger();
    private volatile String keySet = "{\"keys\":[]}";
    private volatile int status = 200;
    private final LocalHttpServer server;

    FakeJwks() {
        server = LocalHttpServer.start(request -> {
            if (!request.path().equals(PATH)) {
                request.response().setStatusCode(404).end();
                return;
            }
            reads.incrementAndGet();
            request.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                    .end(status == 200 ? keySet : "{\"message\":\"unavailable\"}");
        });
    }

    String url() {
        return "http://127.0.0.1:" + server.port() + PATH;
    }

    String issuer() {
        return "http://127.0.0.1:" + server.port() + "/auth/v1";
    }

    /** From now on the key set holds exactly these public keys. */
    void serve(EllipticCurveJsonWebKey... keys) {
        keySet = new JsonWebKeySet(keys).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
    }

    /** From now on reads fail with a 503 (false: they succeed again). */
    void failing(boolean failing) {
        status = failing ? 503 : 200;
    }

    int reads() {
        return reads.get();
    }

    /** A new P-256 key pair with a kid of its own, described as Supabase describes its keys. */
    static EllipticCurveJsonWebKey newKey() {
        try {
            EllipticCurveJsonWebKey key = EcJwkGenerator.generateJwk(EllipticCurves.P256);
            key.setKeyId(UUID.randomUUID().toString());
            key.setAlgorithm(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
            key.setUse("sig");
            return key;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The claims of a Supabase access token for this user, valid for an hour; change them freely. */
    Map<String, Object> claims(String sub, String... roles) {
        long now = System.currentTimeMillis() / 1000;
        Map<String, Object> claims = new HashMap<>(Map.of("sub", sub, "aud", AUDIENCE, "iss", issuer(),
                "role", "authenticated", "iat", now, "exp", now + 3600,
                "app_metadata", Map.of("provider", "email", "roles", List.of(roles))));
        return claims;
    }

    /** ES256 over these claims with this key, naming {@code kid} in the header. */
    static String sign(EllipticCurveJsonWebKey key, String kid, Map<String, Object> claims) {
        try {
            JwtClaims payload = new JwtClaims();
            claims.forEach(payload::setClaim);
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(payload.toJson());
            jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
            jws.setKeyIdHeaderValue(kid);
            jws.setHeader("typ", "JWT");
            jws.setKey(key.getPrivateKey());
            return jws.getCompactSerialization();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A valid Supabase-style token for this user, signed with this key under its own kid. */
    String token(EllipticCurveJsonWebKey key, String sub, String... roles) {
        return sign(key, key.getKeyId(), claims(sub, roles));
    }

    @Override
    public void close() {
        server.close();
    }
}
