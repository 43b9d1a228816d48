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
 * Verifies bearer tokens against the keys of a JWKS URL (see {@link JwksKeys} for why the service reads
 * them itself). It runs before smallrye-jwt's own validator and leaves it every token when the key is a
 * file. Everything but the key lookup stays smallrye-jwt's: the algorithm, {@code exp}, {@code iat},
 * {@code iss}, {@code aud} and the groups claim path are checked as configured for {@code mp.jwt.*}.
 */
@ApplicationScoped
class JwksIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {

    private final JwksKeys keys;
    private final JWTParser parser;

    JwksIdentityProvider(JwksKeys keys, JWTParser parser) {
        this.keys = keys;
        this.parser = parser;
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
        if (!keys.enabled() || !(request.getToken() instanceof JsonWebTokenCredential)) {
            return Uni.createFrom().nullItem();
        }
        String token = request.getToken().getToken();
        return Uni.createFrom().item(() -> keyId(token))
                .flatMap(keys::keyFor)
                .map(key -> identity(request, verify(token, key)));
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

    /** The identity smallrye-jwt's validator would build. */
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
