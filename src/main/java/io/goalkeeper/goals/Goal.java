package io.goalkeeper.goals;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;

/** A goal as the API shows it (written by {@link GoalJson}). Its ETag is {@code "<version>"}. */
@JsonSerialize(using = GoalJson.class)
public record Goal(UUID id, String title, String description, String category, LocalDate targetDate,
        String status, Instant completedAt, List<Milestone> milestones, long version, Instant createdAt,
        Instant updatedAt) {

    GoalContent content() {
        return new GoalContent(title, description, category, targetDate, status, completedAt, milestones);
    }

    Goal withContent(GoalContent content, long newVersion, Instant newUpdatedAt) {
        return of(id, content, newVersion, createdAt, newUpdatedAt);
    }

    static Goal of(UUID id, GoalContent content, long version, Instant createdAt, Instant updatedAt) {
        return new Goal(id, content.title(), content.description(), content.category(), content.targetDate(),
                content.status(), content.completedAt(), content.milestones(), version, createdAt, updatedAt);
    }
}
