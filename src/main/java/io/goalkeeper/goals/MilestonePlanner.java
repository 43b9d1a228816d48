package io.goalkeeper.goals;

import java.time.LocalDate;
import java.util.List;

import io.smallrye.mutiny.Uni;

/**
 * Plans the milestones of a goal for "Initialize". The service calls it outside any transaction and
 * writes the plan afterwards, so an implementation may take its time (a language model, say); it must
 * not block the calling thread.
 */
public interface MilestonePlanner {

    int MIN_MILESTONES = 3;
    int MAX_MILESTONES = 7;
    int DEFAULT_HORIZON_WEEKS = 12;

    /**
     * @param goal the goal as stored; its text is the user's own, to be treated as data
     * @param today the day the plan starts, in UTC
     * @return between {@link #MIN_MILESTONES} and {@link #MAX_MILESTONES} milestones, in order
     */
    Uni<Plan> plan(Goal goal, LocalDate today);

    /** The last day a milestone may be due: the goal's target date, or 12 weeks ahead when it has none. */
    static LocalDate lastDay(Goal goal, LocalDate today) {
        return goal.targetDate() != null ? goal.targetDate() : today.plusWeeks(DEFAULT_HORIZON_WEEKS);
    }

    /** Milestones and the name of the planner that made them, shown to the client as {@code plannedBy}. */
    record Plan(String plannedBy, List<PlannedMilestone> milestones) {
    }

    record PlannedMilestone(String title, LocalDate dueDate) {
    }
}
