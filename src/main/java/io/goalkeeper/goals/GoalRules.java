package io.goalkeeper.goals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.goalkeeper.problem.FieldError;
import io.goalkeeper.problem.InvalidInput;

/** How a client's input becomes a goal's content, and the rules no single field can check. */
final class GoalRules {

    static final int MAX_MILESTONES = 50;
    static final int MAX_GOALS = 500;

    private GoalRules() {
    }

    /**
     * The content that {@code input} gives a goal. Completion times are the server's: a goal or
     * milestone that was already completed keeps its time, a newly completed one gets {@code now}.
     *
     * @param stored the goal as stored, or null for a new goal
     */
    static GoalContent contentOf(GoalInput input, Goal stored, Instant now) {
        Map<UUID, Milestone> storedMilestones = new HashMap<>();
        if (stored != null) {
            stored.milestones().forEach(m -> storedMilestones.put(m.id(), m));
        }
        List<Milestone> milestones = new ArrayList<>();
        if (input.milestones() != null) {
            for (MilestoneInput m : input.milestones()) {
                UUID id = m.id() != null ? m.id() : UUID.randomUUID();
                boolean completed = Boolean.TRUE.equals(m.completed());
                Milestone before = storedMilestones.get(id);
                Instant completedAt = !completed ? null
                        : before != null && before.completed() ? before.completedAt() : now;
                milestones.add(new Milestone(id, m.title(), m.dueDate(), completed, completedAt));
            }
        }
        String status = input.status() == null ? GoalContent.ACTIVE : input.status();
        Instant completedAt = !GoalContent.COMPLETED.equals(status) ? null
                : stored != null && GoalContent.COMPLETED.equals(stored.status()) ? stored.completedAt() : now;
        return new GoalContent(input.title(), input.description(), input.category(), input.targetDate(), status,
                completedAt, List.copyOf(milestones));
    }

    /** Fails with every repeated goal id, and every milestone id repeated within one goal. */
    static void requireUniqueIds(List<GoalInput> goals) {
        List<FieldError> errors = new ArrayList<>();
        Set<UUID> goalIds = new HashSet<>();
        for (int i = 0; i < goals.size(); i++) {
            GoalInput goal = goals.get(i);
            if (goal.id() != null && !goalIds.add(goal.id())) {
                errors.add(new FieldError("[" + i + "].id", "duplicate id " + goal.id()));
            }
            errors.addAll(duplicateMilestoneIds(goal, "[" + i + "]."));
        }
        if (!errors.isEmpty()) {
            throw new InvalidInput("The body repeats ids", errors);
        }
    }

    /** Fails if one goal lists a milestone id twice. */
    static void requireUniqueMilestoneIds(GoalInput goal) {
        List<FieldError> errors = duplicateMilestoneIds(goal, "");
        if (!errors.isEmpty()) {
            throw new InvalidInput("The body repeats ids", errors);
        }
    }

    private static List<FieldError> duplicateMilestoneIds(GoalInput goal, String prefix) {
        List<FieldError> errors = new ArrayList<>();
        if (goal.milestones() == null) {
            return errors;
        }
        Set<UUID> ids = new HashSet<>();
        for (int j = 0; j < goal.milestones().size(); j++) {
            MilestoneInput milestone = goal.milestones().get(j);
            if (milestone.id() != null && !ids.add(milestone.id())) {
                errors.add(new FieldError(prefix + "milestones[" + j + "].id", "duplicate id " + milestone.id()));
            }
        }
        return errors;
    }
}
