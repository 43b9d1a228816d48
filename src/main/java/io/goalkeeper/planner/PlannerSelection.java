package io.goalkeeper.planner;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.goalkeeper.goals.BuiltinMilestonePlanner;
import io.goalkeeper.goals.MilestonePlanner;
import io.quarkus.runtime.StartupEvent;

/** Chooses the planner behind "Initialize" from {@code GOALKEEPER_PLANNER}, and checks its settings at start. */
@ApplicationScoped
public class PlannerSelection {

    private static final Logger LOG = Logger.getLogger(PlannerSelection.class);

    @Inject
    PlannerConfig config;

    @Inject
    BuiltinMilestonePlanner builtin;

    @Inject
    OpenAiMilestonePlanner openai;

    @Produces
    @ApplicationScoped
    MilestonePlanner planner() {
        return switch (config.planner()) {
            case BUILTIN -> builtin;
            case OPENAI -> openai;
        };
    }

    void check(@Observes StartupEvent started) {
        if (config.planner() == PlannerConfig.Choice.OPENAI) {
            openai.checkConfiguration();
        }
        LOG.infof("Initialize plans milestones with the %s planner", planner() == openai ? OpenAiMilestonePlanner.NAME
                : BuiltinMilestonePlanner.NAME);
    }
}
