package io.goalkeeper.history;

import java.util.UUID;

/**
 * One goal's change as a write records it: its kind, the goal's version after it, and the goal before
 * it as the API shows it (JSON text), null when there was none (before a creation, or before the
 * restore of a deleted goal). The goal after it is not recorded: it is what the goal's next change
 * records as before, or the goal as it is now.
 */
public record RecordedChange(UUID goalId, ChangeKind kind, long version, String before) {
}
