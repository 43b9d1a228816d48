package io.goalkeeper.auth;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts a {@link FakeJwks} and configures the service as an operator configures it for Supabase,
 * with a short minimum refresh interval so that the tests of it take seconds. Tests get the fake in a
 * field of its type.
 */
public class FakeJwksResource implements QuarkusTestResourceLifecycleManager {

    static final String MIN_REFRESH_INTERVAL = "2s";

    private FakeJwks fake;

    @Override
    public Map<String, String> start() {
        fake = new FakeJwks();
        return Map.of(
                "mp.jwt.verify.publickey.location", fake.url(),
                "mp.jwt.verify.publickey.algorithm", "ES256",
                "mp.jwt.verify.audiences", FakeJwks.AUDIENCE,
                "mp.jwt.verify.issuer", fake.issuer(),
                "smallrye.jwt.path.groups", "app_metadata/roles",
                "goalkeeper.jwks.min-refresh-interval", MIN_REFRESH_INTERVAL);
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(fake, new TestInjector.MatchesType(FakeJwks.class));
    }

    @Override
    public void stop() {
        if (fake != null) {
            fake.close();
        }
    }
}
