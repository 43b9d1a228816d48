package io.goalkeeper.history;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonRawValue;

/**
 * A goal deleted within the retention and not back since: its last content ({@code goal}, whose
 * {@code version} is the one to restore), and the deletion's own version and time.
 */
public record DeletedGoal(UUID goalId, long deletedVersion, long collectionVersion, Instant deletedAt, String by,
        @JsonRawValue String goal) {
}
