package io.goalkeeper.history;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonRawValue;

/** One version of a goal in its history, with the change set that made it. */
public record GoalVersion(UUID goalId, long version, ChangeKind kind, long collectionVersion, Instant at, String by,
        String request, @JsonRawValue String goal, @JsonRawValue String before) {
}
