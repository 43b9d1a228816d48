package io.goalkeeper.smartsuite;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts a {@link FakeSmartSuite} and points the service's smartsuite target at it. By default the
 * pace and the waits are short, so faults cost seconds, not minutes; with the init argument
 * {@code pacing=real} the service keeps its defaults and the fake SmartSuite's 5 calls a second.
 * Tests get the fake in a field marked {@link Fake}.
 */
public class FakeSmartSuiteResource implements QuarkusTestResourceLifecycleManager {

    public static final String PACING = "pacing";
    public static final String REAL = "real";

    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface Fake {
    }

    private FakeSmartSuite fake;
    private boolean realPacing;

    @Override
    public void init(Map<String, String> initArgs) {
        realPacing = REAL.equals(initArgs.get(PACING));
    }

    @Override
    public Map<String, String> start() {
        fake = new FakeSmartSuite();
        Map<String, String> target = Map.of(
                "goalkeeper.sync.target", "smartsuite",
                "goalkeeper.smartsuite.base-url", fake.baseUrl(),
                "goalkeeper.smartsuite.api-token", FakeSmartSuite.TOKEN,
                "goalkeeper.smartsuite.account-id", FakeSmartSuite.ACCOUNT,
                "goalkeeper.smartsuite.table-id", FakeSmartSuite.TABLE);
        if (realPacing) {
            return target;
        }
        fake.callsPerSecond(25);
        return Map.ofEntries(
                Map.entry("goalkeeper.sync.target", "smartsuite"),
                Map.entry("goalkeeper.smartsuite.base-url", fake.baseUrl()),
                Map.entry("goalkeeper.smartsuite.api-token", FakeSmartSuite.TOKEN),
                Map.entry("goalkeeper.smartsuite.account-id", FakeSmartSuite.ACCOUNT),
                Map.entry("goalkeeper.smartsuite.table-id", FakeSmartSuite.TABLE),
                Map.entry("goalkeeper.smartsuite.rate-limit", "20"),
                Map.entry("goalkeeper.smartsuite.rate-limited-wait", "1s"),
                Map.entry("goalkeeper.smartsuite.retry-backoff", "50ms"),
                Map.entry("goalkeeper.smartsuite.retry-max-backoff", "200ms"),
                Map.entry("goalkeeper.smartsuite.max-attempts", "4"),
                Map.entry("goalkeeper.smartsuite.timeout", "2s"),
                Map.entry("goalkeeper.sync.lease", "20s"));
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(fake, new TestInjector.AnnotatedAndMatchesType(Fake.class, FakeSmartSuite.class));
    }

    @Override
    public void stop() {
        if (fake != null) {
            fake.close();
        }
    }
}
