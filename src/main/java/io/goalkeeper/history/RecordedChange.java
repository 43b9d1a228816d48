package io.goalkeeper.history;

import java.util.UUID;

/**
 * One goal's change as a write records it: the goal after and before, as the API shows them (JSON
 * text), null when there is none (after a deletion, before a creation).
 */
public record RecordedChange(UUID goalId, ChangeKind kind, long version, String goal, String before) {
}
