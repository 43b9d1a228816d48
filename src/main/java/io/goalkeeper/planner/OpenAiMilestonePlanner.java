package io.goalkeeper.planner;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;

import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

import io.goalkeeper.goals.BuiltinMilestonePlanner;
import io.goalkeeper.goals.Goal;
import io.goalkeeper.goals.MilestonePlanner;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;

/**
 * Asks an OpenAI-compatible chat-completions endpoint for a goal's milestones, as structured JSON
 * ({@link PlanRequest}), and checks the answer like user input ({@link PlanAnswer}). Anything wrong with
 * it (or a timeout, a 429, a 5xx, any refusal) makes the built-in planner answer instead, so
 * "Initialize" always works.
 */
@ApplicationScoped
@Typed(OpenAiMilestonePlanner.class)
public class OpenAiMilestonePlanner implements MilestonePlanner {

    public static final String NAME = "openai";
    private static final Logger LOG = Logger.getLogger(OpenAiMilestonePlanner.class);

    @Inject
    PlannerConfig config;

    @Inject
    BuiltinMilestonePlanner builtin;

    @Inject
    PlanAnswer answer;

    @Inject
    @RestClient
    ChatCompletionsApi api;

    @Inject
    MeterRegistry metrics;

    /** Fails with a message naming the settings the planner needs and lacks. */
    void checkConfiguration() {
        List<String> missing = new ArrayList<>();
        if (config.openai().baseUrl().filter(url -> !url.isBlank()).isEmpty()) {
            missing.add("GOALKEEPER_PLANNER_OPENAI_BASE_URL");
        }
        if (config.openai().model().filter(model -> !model.isBlank()).isEmpty()) {
            missing.add("GOALKEEPER_PLANNER_OPENAI_MODEL");
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException(String.join(", ", missing) + (missing.size() == 1 ? " is" : " are")
                    + " required when GOALKEEPER_PLANNER is openai");
        }
    }

    @Override
    public Uni<Plan> plan(Goal goal, LocalDate today) {
        LocalDate lastDay = MilestonePlanner.lastDay(goal, today);
        if (lastDay.isBefore(today)) {
            // No due date can satisfy both bounds: the built-in planner puts every milestone on the target date.
            record(Timer.start(metrics), "skipped");
            return builtin.plan(goal, today);
        }
        PlannerConfig.OpenAi openai = config.openai();
        Timer.Sample started = Timer.start(metrics);
        String authorization = openai.apiKey().filter(key -> !key.isBlank()).map(key -> "Bearer " + key).orElse(null);
        return api.complete(authorization, PlanRequest.of(goal, today, lastDay, openai.model().orElseThrow(), openai.responseFormat()))
                .ifNoItem().after(openai.timeout()).failWith(() -> new PlanningFailed("timeout",
                        "no answer within " + openai.timeout().toMillis() + " ms"))
                .map(response -> answer.read(response, today, lastDay))
                .invoke(() -> record(started, "success"))
                .map(milestones -> new Plan(NAME, milestones))
                .onFailure().recoverWithUni(failure -> {
                    String outcome = failure instanceof PlanningFailed failed ? failed.outcome : "network-error";
                    record(started, outcome);
                    LOG.warnf("The openai planner gave no usable plan for goal %s (%s: %s); the built-in planner answers instead",
                            goal.id(), outcome, redact(failure.getMessage()));
                    return builtin.plan(goal, today);
                });
    }

    private void record(Timer.Sample sample, String outcome) {
        sample.stop(metrics.timer("goalkeeper.planner.calls", "planner", NAME, "outcome", outcome));
    }

    /** The key never reaches a log, even when an endpoint echoes it back in an error. */
    private String redact(String message) {
        String text = message == null ? "" : message;
        return config.openai().apiKey().filter(key -> !key.isBlank()).map(key -> text.replace(key, "[api key]")).orElse(text);
    }
}
