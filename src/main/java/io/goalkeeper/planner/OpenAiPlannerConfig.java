package io.goalkeeper.planner;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The OpenAI-compatible planner's settings ({@code GOALKEEPER_PLANNER_OPENAI_*}). */
@ConfigMapping(prefix = "goalkeeper.planner.openai")
public interface OpenAiPlannerConfig {

    /** The API root that serves {@code /chat/completions}, such as {@code https://api.openai.com/v1}; required for openai. */
    Optional<String> baseUrl();

    /** Sent as {@code Authorization: Bearer <key>}; local servers such as Ollama need none. */
    Optional<String> apiKey();

    /** The model to ask; required for openai. */
    Optional<String> model();

    /** How long one planning call may take before the built-in planner answers instead. */
    @WithDefault("15s")
    Duration timeout();

    /** {@code json-schema} (structured output), or {@code json-object} for servers that lack it. */
    @WithDefault("json-schema")
    String responseFormat();
}
