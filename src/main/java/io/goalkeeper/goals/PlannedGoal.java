package io.goalkeeper.goals;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

/** The answer of "Initialize": the goal, and the name of the planner that made its milestones. */
public record PlannedGoal(@JsonUnwrapped Goal goal, String plannedBy) {
}
