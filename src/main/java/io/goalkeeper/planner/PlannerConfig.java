package io.goalkeeper.planner;

import java.time.Duration;
import java.util.Optional;

import jakarta.validation.constraints.Pattern;

import org.hibernate.validator.constraints.time.DurationMin;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithParentName;

/**
 * Who plans milestones on "Initialize" ({@code GOALKEEPER_PLANNER}) and the OpenAI-compatible planner's
 * settings ({@code GOALKEEPER_PLANNER_OPENAI_*}); a value out of range stops the start naming it. The
 * REST client's URL and timeouts ({@code quarkus.rest-client.openai-planner.*}) are taken from here.
 */
@ConfigMapping(prefix = "goalkeeper.planner")
public interface PlannerConfig {

    /** The planners this version has, as {@code GOALKEEPER_PLANNER} spells them. */
    enum Choice {
        BUILTIN, OPENAI
    }

    /** {@code builtin} or {@code openai}. */
    @WithParentName
    @WithDefault("builtin")
    Choice planner();

    /** The openai planner's endpoint, model and limits. */
    OpenAi openai();

    /** How {@code /chat/completions} is asked for a plan. */
    enum ResponseFormat {
        /** Structured output: the answer must match a strict JSON schema. */
        JSON_SCHEMA,
        /** Any JSON object, for servers that lack structured output. */
        JSON_OBJECT
    }

    /** {@code GOALKEEPER_PLANNER_OPENAI_*}. */
    interface OpenAi {
        /** The API root that serves {@code /chat/completions}, such as {@code https://api.openai.com/v1}; required for openai. */
        Optional<@Pattern(regexp = "https?://.+", message = "must be an http or https URL, such as https://api.openai.com/v1") String> baseUrl();

        /** Sent as {@code Authorization: Bearer <key>}; local servers such as Ollama need none. */
        Optional<String> apiKey();

        /** The model to ask; required for openai. */
        Optional<String> model();

        /** How long one planning call may take before the built-in planner answers instead. */
        @WithDefault("15s")
        @DurationMin(millis = 1)
        Duration timeout();

        /** {@code json-schema} (structured output), or {@code json-object} for servers that lack it. */
        @WithDefault("json-schema")
        ResponseFormat responseFormat();
    }
}
