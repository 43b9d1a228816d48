package io.goalkeeper.history;

import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonRawValue;

/** One goal's change in a change set, as the API shows it; the goals are the JSON text stored. */
public record Change(UUID goalId, ChangeKind kind, long version, @JsonRawValue String goal,
        @JsonRawValue String before) {
}
