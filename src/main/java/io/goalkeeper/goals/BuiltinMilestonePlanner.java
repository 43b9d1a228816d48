package io.goalkeeper.goals;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;


import io.smallrye.mutiny.Uni;

/**
 * The planner that needs nothing outside the service: it spreads 3 to 7 milestones evenly from today
 * to the goal's target date (12 weeks ahead when it has none), about one every three weeks, titled
 * from the goal's title and category. The same goal and day always give the same plan.
 */
@ApplicationScoped
@Typed(BuiltinMilestonePlanner.class)
public class BuiltinMilestonePlanner implements MilestonePlanner {

    public static final String NAME = "builtin";
    private static final int DAYS_PER_MILESTONE = 21;
    private static final int MAX_TITLE = 200;
    private static final int MAX_GOAL_TITLE_IN_MILESTONE = 120;

    @Override
    public Uni<Plan> plan(Goal goal, LocalDate today) {
        return Uni.createFrom().item(planNow(goal, today));
    }

    Plan planNow(Goal goal, LocalDate today) {
        LocalDate end = MilestonePlanner.lastDay(goal, today);
        // A target already reached leaves no time to spread over: every milestone is due on it.
        long days = Math.max(0, ChronoUnit.DAYS.between(today, end));
        LocalDate start = days == 0 ? end : today;
        int count = (int) Math.max(MIN_MILESTONES, Math.min(MAX_MILESTONES, Math.round(days / (double) DAYS_PER_MILESTONE)));
        String subject = shorten(goal.title().strip());
        String area = goal.category() == null || goal.category().isBlank() ? "" : " (" + goal.category().strip() + ")";
        List<PlannedMilestone> milestones = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            LocalDate due = start.plusDays(Math.round(days * (double) i / count));
            milestones.add(new PlannedMilestone(shortenTitle(title(i, count, subject) + area), due));
        }
        return new Plan(NAME, List.copyOf(milestones));
    }

    private static String title(int step, int count, String subject) {
        if (step == 1) {
            return "Plan " + subject + ": define what done looks like";
        }
        if (step == count) {
            return "Complete " + subject;
        }
        if (step * 2 == count || step * 2 == count + 1) {
            return "Halfway review of " + subject;
        }
        return "Checkpoint " + step + " of " + count + ": " + subject;
    }

    private static String shorten(String text) {
        return text.length() <= MAX_GOAL_TITLE_IN_MILESTONE ? text : text.substring(0, MAX_GOAL_TITLE_IN_MILESTONE - 1) + "…";
    }

    private static String shortenTitle(String text) {
        return text.length() <= MAX_TITLE ? text : text.substring(0, MAX_TITLE - 1) + "…";
    }
}
