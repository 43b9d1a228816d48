package io.goalkeeper.goals;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * What a goal says, without the server's bookkeeping (version, timestamps). Two equal contents mean
 * "unchanged": such a write keeps the goal's version, so the sync does not see it as a change.
 */
record GoalContent(String title, String description, String category, LocalDate targetDate, String status,
        Instant completedAt, List<Milestone> milestones) {

    static final String ACTIVE = "active";
    static final String COMPLETED = "completed";

    GoalContent withMilestones(List<Milestone> replacement) {
        return new GoalContent(title, description, category, targetDate, status, completedAt, List.copyOf(replacement));
    }

    GoalContent complete(Instant now) {
        return COMPLETED.equals(status) ? this
                : new GoalContent(title, description, category, targetDate, COMPLETED, now, milestones);
    }
}
