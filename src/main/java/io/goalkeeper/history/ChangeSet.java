package io.goalkeeper.history;

import java.time.Instant;
import java.util.List;

/** What one write changed, identified by the collection version it produced. */
public record ChangeSet(long collectionVersion, Instant at, String by, String request, List<Change> changes) {
}
