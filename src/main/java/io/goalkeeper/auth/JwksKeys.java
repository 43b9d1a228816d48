package io.goalkeeper.auth;

import java.security.PublicKey;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.lang.JoseException;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.security.AuthenticationFailedException;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClient;
import io.vertx.mutiny.core.http.HttpClientResponse;

/**
 * The signing keys of a JWKS URL (a Supabase project's, an OIDC provider's), kept in memory.
 *
 * <p>smallrye-jwt 4.6 reads a JWKS URL itself, but in a way that does not suit a reactive service: it
 * fetches with a blocking HTTP call inside token verification (which is why Quarkus then moves the
 * authentication of every request to a worker thread), it re-reads on an unknown {@code kid} at most
 * once per {@code smallrye.jwt.jwks.forced-refresh-interval} counted in whole minutes (30 by default),
 * so a key rotated shortly after any unknown-kid token is refused for that long, and requests wait
 * on a lock while it fetches. Here a read is one non-blocking Vert.x call that every request waiting
 * for it shares; a token whose kid is known never waits for the network.
 */
@ApplicationScoped
class JwksKeys {

    private static final Logger LOG = Logger.getLogger(JwksKeys.class);
    /** A read that takes longer fails; the keys read before stay in use. */
    private static final long READ_TIMEOUT_MILLIS = 10_000;

    private final String location;
    private final Set<String> algorithms;
    private final JwksConfig config;
    private final Vertx vertx;

    private HttpClient client;
    private long refreshTimer;
    private volatile List<PublicJsonWebKey> keys = List.of();
    /** The read in progress, shared by every request that waits for it; guarded by this. */
    private Uni<Void> reading;
    /** When the last read started ({@link System#nanoTime()}), null before the first; guarded by this. */
    private Long lastReadStartedAt;

    JwksKeys(JWTAuthContextInfo authContext, JwksConfig config, Vertx vertx) {
        this.location = authContext.getPublicKeyLocation();
        this.algorithms = authContext.getSignatureAlgorithm().stream().map(SignatureAlgorithm::getAlgorithm)
                .collect(Collectors.toUnmodifiableSet());
        this.config = config;
        this.vertx = vertx;
    }

    /** True when tokens are verified with a JWKS read from an HTTP(S) URL; a file or PEM key is left to smallrye-jwt. */
    boolean enabled() {
        String lowerCase = location == null ? "" : location.toLowerCase(Locale.ROOT);
        return lowerCase.startsWith("http://") || lowerCase.startsWith("https://");
    }

    void start(@Observes StartupEvent started) {
        if (!enabled()) {
            return;
        }
        client = vertx.createHttpClient();
        read();
        refreshTimer = vertx.setPeriodic(config.refreshInterval().toMillis(), tick -> read());
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (client != null) {
            vertx.cancelTimer(refreshTimer);
            client.closeAndForget();
        }
    }

    /**
     * The key a token names. An unknown kid (a rotated key, or a forged token) causes a read unless one
     * started less than the minimum refresh interval ago: rotations are seen at once, forgeries cannot
     * make the service hammer the key server.
     */
    Uni<PublicKey> keyFor(String kid) {
        Optional<PublicKey> known = find(kid);
        if (known.isPresent()) {
            return Uni.createFrom().item(known.get());
        }
        return readUnlessRecent().map(read -> find(kid)
                .orElseThrow(() -> new AuthenticationFailedException("No signing key with kid " + kid)));
    }

    private Optional<PublicKey> find(String kid) {
        List<PublicJsonWebKey> current = keys;
        Optional<PublicJsonWebKey> named = current.stream().filter(key -> kid != null && kid.equals(key.getKeyId())).findFirst();
        // As smallrye-jwt does: a set of one key serves a token without a kid, and a key without a kid serves any token.
        if (named.isEmpty() && current.size() == 1 && (kid == null || current.get(0).getKeyId() == null)) {
            named = Optional.of(current.get(0));
        }
        return named.map(PublicJsonWebKey::getPublicKey);
    }

    private synchronized Uni<Void> readUnlessRecent() {
        boolean recent = lastReadStartedAt != null
                && System.nanoTime() - lastReadStartedAt < config.minRefreshInterval().toNanos();
        return reading == null && recent ? Uni.createFrom().voidItem() : read();
    }

    private synchronized Uni<Void> read() {
        if (reading != null) {
            return reading;
        }
        lastReadStartedAt = System.nanoTime();
        Uni<Void> current = fetch()
                .invoke(read -> {
                    keys = read;
                    LOG.debugf("Read %d signing keys from %s", read.size(), location);
                })
                .onFailure().invoke(failure -> LOG.warnf("Cannot read the signing keys at %s (%s); the %d keys read before stay in use",
                        location, failure.getMessage(), keys.size()))
                .onFailure().recoverWithNull()
                .replaceWithVoid()
                .eventually(this::readEnded)
                .memoize().indefinitely();
        reading = current;
        current.subscribe().with(ignored -> {
        });
        return current;
    }

    private synchronized void readEnded() {
        reading = null;
    }

    private Uni<List<PublicJsonWebKey>> fetch() {
        return client.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(location)
                .setTimeout(READ_TIMEOUT_MILLIS))
                .flatMap(request -> request.send())
                .flatMap(response -> response.body().map(body -> signingKeys(response, body)));
    }

    private List<PublicJsonWebKey> signingKeys(HttpClientResponse response, Buffer body) {
        if (response.statusCode() != 200) {
            throw new IllegalStateException("the key server answered " + response.statusCode());
        }
        try {
            return new JsonWebKeySet(body.toString()).getJsonWebKeys().stream()
                    .filter(PublicJsonWebKey.class::isInstance)
                    .map(PublicJsonWebKey.class::cast)
                    .filter(key -> key.getUse() == null || "sig".equals(key.getUse()))
                    .filter(this::fitsTheAlgorithm)
                    .toList();
        } catch (JoseException e) {
            throw new IllegalStateException("the answer is not a JWKS: " + e.getMessage(), e);
        }
    }

    /**
     * Only keys for the configured algorithms are kept, so a key of another type cannot widen what is
     * accepted (smallrye-jwt would otherwise switch to the algorithm family of the key it is handed).
     */
    private boolean fitsTheAlgorithm(PublicJsonWebKey key) {
        if (key.getAlgorithm() != null) {
            return algorithms.contains(key.getAlgorithm());
        }
        return algorithms.stream().anyMatch(algorithm -> switch (key.getKeyType()) {
            case "EC" -> algorithm.startsWith("ES");
            case "RSA" -> algorithm.startsWith("RS") || algorithm.startsWith("PS");
            case "OKP" -> algorithm.equals("EdDSA");
            default -> false;
        });
    }
}
