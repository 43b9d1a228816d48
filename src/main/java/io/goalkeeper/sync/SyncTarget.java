package io.goalkeeper.sync;

import java.util.List;
import java.util.UUID;

import io.goalkeeper.sync.ChangeFeed.Batch;
import io.goalkeeper.sync.ChangeFeed.Pushed;
import io.smallrye.mutiny.Uni;

/** Where the sync pushes goal changes. It must not block the calling thread. */
public interface SyncTarget {

    /** The target's name, as {@code GOALKEEPER_SYNC_TARGET} spells it. */
    String name();

    /**
     * Pushes one batch. The result lists what the target now holds; anything it leaves out stays
     * pending and comes again in a later batch or run. A failure fails the run, losing nothing.
     */
    Uni<PushResult> push(Batch batch);

    /** What a batch achieved: goals now held at their version, and deletions done. */
    record PushResult(List<Pushed> pushed, List<UUID> deleted) {
        boolean isEmpty() {
            return pushed.isEmpty() && deleted.isEmpty();
        }
    }
}
