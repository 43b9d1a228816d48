package io.goalkeeper.planner;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.goalkeeper.goals.BuiltinMilestonePlanner;
import io.goalkeeper.goals.MilestonePlanner;
import io.quarkus.runtime.StartupEvent;

/** Chooses the planner behind "Initialize" from {@code GOALKEEPER_PLANNER}, and checks its settings at start. */
@ApplicationScoped
public class PlannerSelection {

    private static final Logger LOG = Logger.getLogger(PlannerSelection.class);

    /** {@code builtin} or {@code openai}. */
    @ConfigProperty(name = "goalkeeper.planner", defaultValue = BuiltinMilestonePlanner.NAME)
    String name;

    @Inject
    BuiltinMilestonePlanner builtin;

    @Inject
    OpenAiMilestonePlanner openai;

    @Produces
    @ApplicationScoped
    MilestonePlanner planner() {
        return switch (name) {
            case BuiltinMilestonePlanner.NAME -> builtin;
            case OpenAiMilestonePlanner.NAME -> openai;
            default -> throw new IllegalStateException("GOALKEEPER_PLANNER: no planner named '" + name
                    + "'; this version has: builtin, openai");
        };
    }

    void check(@Observes StartupEvent started) {
        MilestonePlanner chosen = planner();
        if (chosen == openai) {
            openai.checkConfiguration();
        }
        LOG.infof("Initialize plans milestones with the %s planner", name);
    }
}
