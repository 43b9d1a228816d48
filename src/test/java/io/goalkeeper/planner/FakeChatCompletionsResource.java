package io.goalkeeper.planner;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Starts a {@link FakeChatCompletions} and makes it the openai planner's endpoint, with a 1 s timeout. */
public class FakeChatCompletionsResource implements QuarkusTestResourceLifecycleManager {

    public static final String API_KEY = "sk-test-0123456789abcdefSECRET";

    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface Fake {
    }

    private FakeChatCompletions fake;

    @Override
    public Map<String, String> start() {
        fake = new FakeChatCompletions();
        return Map.of(
                "goalkeeper.planner", "openai",
                "goalkeeper.planner.openai.base-url", fake.baseUrl(),
                "goalkeeper.planner.openai.api-key", API_KEY,
                "goalkeeper.planner.openai.model", "test-model",
                "goalkeeper.planner.openai.timeout", "1s");
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(fake, new TestInjector.AnnotatedAndMatchesType(Fake.class, FakeChatCompletions.class));
    }

    @Override
    public void stop() {
        if (fake != null) {
            fake.close();
        }
    }
}
