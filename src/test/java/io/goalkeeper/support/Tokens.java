package io.goalkeeper.support;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.keys.HmacKey;

import io.smallrye.jwt.build.Jwt;

/** Bearer tokens for tests, signed with the dev key pair the test profile trusts (dev/jwt). */
public final class Tokens {

    private static final PrivateKey DEV_KEY = readPrivateKey(Path.of("dev/jwt/private.pem"));
    private static final String ISSUER = "https://quarkus.io/issuer";
    private static final Path DEV_PUBLIC_KEY = Path.of("dev/jwt/public.pem");

    private Tokens() {
    }

    /** The dev key that the test profile trusts, for tokens of a shape no helper here makes. */
    public static PrivateKey devKey() {
        return DEV_KEY;
    }

    /** A fresh user id, so that every test owns its data. */
    public static String newUser() {
        return "user-" + UUID.randomUUID();
    }

    public static String forUser(String sub) {
        return Jwt.subject(sub).expiresIn(3600).sign(DEV_KEY);
    }

    public static String syncAdmin(String sub) {
        return withRoles(sub, "sync-admin");
    }

    public static String syncViewer(String sub) {
        return withRoles(sub, "sync-viewer");
    }

    public static String withRoles(String sub, String... roles) {
        return Jwt.subject(sub).groups(Set.of(roles)).expiresIn(3600).sign(DEV_KEY);
    }

    /** A token with exactly these claims (plus {@code iat} and {@code exp}), signed with the trusted key. */
    public static String withClaims(Map<String, Object> claims) {
        return Jwt.claims(claims).expiresIn(3600).sign(DEV_KEY);
    }

    public static String expired(String sub) {
        return Jwt.subject(sub).issuedAt(Instant.now().minusSeconds(7200)).expiresAt(Instant.now().minusSeconds(3600))
                .sign(DEV_KEY);
    }

    public static String signedByAnotherKey(String sub) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return Jwt.subject(sub).expiresIn(3600).sign(generator.generateKeyPair().getPrivate());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A token signed with the dev key whose claims are exactly this JSON text, for claims that a JSON
     * writer would change, such as a lone surrogate written as the escape {@code \\ud800}.
     */
    public static String signedClaims(String claimsJson) {
        return signedClaims(claimsJson, DEV_KEY);
    }

    /** The same, signed with any RSA key (a foreign one makes a forged token). */
    public static String signedClaims(String claimsJson, PrivateKey key) {
        Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
        String signingInput = encoder.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
                + "." + encoder.encodeToString(claimsJson.getBytes(StandardCharsets.UTF_8));
        try {
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(key);
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + encoder.encodeToString(signature.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Claims valid for an hour from now, with this JSON text as the {@code sub} value and the issuer
     * that {@link Jwt} writes by default.
     */
    public static String claimsWithSubject(String subjectJson) {
        long now = Instant.now().getEpochSecond();
        return "{\"iss\":\"" + ISSUER + "\",\"sub\":" + subjectJson + ",\"iat\":" + now + ",\"exp\":" + (now + 3600) + "}";
    }

    /** An unsigned token ({@code alg: none}) that would otherwise be valid. */
    public static String unsigned(String sub) {
        Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
        String header = encoder.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        long now = Instant.now().getEpochSecond();
        String payload = encoder.encodeToString(("{\"sub\":\"" + sub + "\",\"iat\":" + now + ",\"exp\":" + (now + 3600) + "}")
                .getBytes(StandardCharsets.UTF_8));
        return header + "." + payload + ".";
    }

    /**
     * The algorithm-confusion attack: HS256 with the service's public RSA key as the HMAC secret, either
     * the PEM file's text or the key's DER bytes. A verifier that lets the token pick the algorithm
     * would accept it, as anyone can compute it.
     */
    public static String hmacWithThePublicKey(String sub, boolean pemText) {
        try {
            String pem = Files.readString(DEV_PUBLIC_KEY);
            byte[] secret = pemText ? pem.getBytes(StandardCharsets.UTF_8) : pemBody(pem);
            JwtClaims claims = new JwtClaims();
            claims.setSubject(sub);
            claims.setIssuedAtToNow();
            claims.setExpirationTimeMinutesInTheFuture(60);
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(claims.toJson());
            jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
            jws.setKey(new HmacKey(secret));
            return jws.getCompactSerialization();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static PrivateKey readPrivateKey(Path pem) {
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pemBody(Files.readString(pem))));
        } catch (Exception e) {
            throw new IllegalStateException("Cannot read the dev signing key " + pem, e);
        }
    }

    private static byte[] pemBody(String pem) {
        return Base64.getDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
    }
}
