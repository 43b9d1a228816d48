package io.goalkeeper.goals;

import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

/** A step of a goal, as the API shows it; milestones keep the order their goal lists them in. */
public record Milestone(UUID id, String title, LocalDate dueDate, boolean completed, Instant completedAt) {

    Milestone complete(Instant now) {
        return completed ? this : new Milestone(id, title, dueDate, true, now);
    }
}
