package io.goalkeeper.auth;

import java.security.PublicKey;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jose4j.jwx.JsonWebStructure;
import org.jose4j.lang.JoseException;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.smallrye.jwt.runtime.auth.JsonWebTokenCredential;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * Verifies bearer tokens, each once: a client sends the same token with every request until it
 * expires, and checking its signature and claims costs more CPU than the rest of a small request, so a
 * verified token is remembered ({@link VerifiedTokens}). It runs before smallrye-jwt's own validator,
 * which it leaves nothing to. The checks stay smallrye-jwt's ({@link JWTParser}): the algorithm,
 * {@code exp}, {@code iat}, {@code iss}, {@code aud} and the groups claim path, as configured for
 * {@code mp.jwt.*}; only the key of a JWKS URL is looked up here (see {@link JwksKeys} for why).
 */
@ApplicationScoped
class BearerTokenIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {

    private final JwksKeys keys;
    private final JWTParser parser;
    private final VerifiedTokens verified;

    BearerTokenIdentityProvider(JwksKeys keys, JWTParser parser, VerifiedTokens verified) {
        this.keys = keys;
        this.parser = parser;
        this.verified = verified;
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    /** Ahead of smallrye-jwt's validator, which has the default priority. */
    @Override
    public int priority() {
        return IdentityProvider.super.priority() + 1;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        if (!(request.getToken() instanceof JsonWebTokenCredential)) {
            return Uni.createFrom().nullItem();
        }
        String token = request.getToken().getToken();
        JsonWebToken known = verified.get(token);
        if (known != null) {
            return Uni.createFrom().item(identity(request, known));
        }
        Uni<JsonWebToken> checked = keys.enabled()
                ? Uni.createFrom().item(() -> keyId(token)).flatMap(keys::keyFor).map(key -> verify(token, key))
                : Uni.createFrom().item(() -> parse(token));
        return checked.invoke(jwt -> verified.put(token, jwt)).map(jwt -> identity(request, jwt));
    }

    private static String keyId(String token) {
        try {
            return JsonWebStructure.fromCompactSerialization(token).getKeyIdHeaderValue();
        } catch (JoseException e) {
            throw new AuthenticationFailedException("The bearer token is not a JWS", e);
        }
    }

    private JsonWebToken verify(String token, PublicKey key) {
        try {
            return parser.verify(token, key);
        } catch (ParseException e) {
            throw new AuthenticationFailedException(e);
        }
    }

    private JsonWebToken parse(String token) {
        try {
            return parser.parse(token);
        } catch (ParseException e) {
            throw new AuthenticationFailedException(e);
        }
    }

    /** The identity smallrye-jwt's validator would build; one per request, since it carries the request. */
    private static SecurityIdentity identity(TokenAuthenticationRequest request, JsonWebToken token) {
        QuarkusSecurityIdentity.Builder identity = QuarkusSecurityIdentity.builder()
                .setPrincipal(token)
                .addCredential(request.getToken())
                .addRoles(token.getGroups())
                .addAttribute(SecurityIdentity.USER_ATTRIBUTE, token);
        RoutingContext routingContext = HttpSecurityUtils.getRoutingContextAttribute(request);
        if (routingContext != null) {
            identity.addAttribute(RoutingContext.class.getName(), routingContext);
        }
        return identity.build();
    }
}
