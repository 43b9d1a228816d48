package io.goalkeeper.sync;

import java.util.List;
import java.util.UUID;

import io.goalkeeper.sync.ChangeFeed.Batch;
import io.goalkeeper.sync.ChangeFeed.Pushed;
import io.goalkeeper.sync.ChangeFeed.Rejected;
import io.goalkeeper.sync.ChangeFeed.Repoint;
import io.smallrye.mutiny.Uni;

/** Where the sync pushes goal changes. It must not block the calling thread. */
public interface SyncTarget {

    /** The target's name, as {@code GOALKEEPER_SYNC_TARGET} spells it. */
    String name();

    /** Fails with a message naming the setting when the target cannot work as configured; called at start. */
    default void checkConfiguration() {
    }

    /**
     * Called once at the start of each run that holds the lock with {@code token}, before the first
     * batch: the place for work that concerns the whole target, such as comparing it with the goals.
     */
    default Uni<Void> beginRun(long token) {
        return Uni.createFrom().voidItem();
    }

    /**
     * Pushes one batch. The result lists what the target now holds; anything it leaves out stays
     * pending and comes again in a later batch or run. A failure fails the run, losing nothing.
     */
    Uni<PushResult> push(Batch batch);

    /**
     * What a batch achieved: goals now held at their version, deletions done, goals to push again to
     * another record (or to none: their record was found gone), and goals the target refused.
     */
    record PushResult(List<Pushed> pushed, List<UUID> deleted, List<Repoint> repointed, List<Rejected> rejected) {
        public PushResult(List<Pushed> pushed, List<UUID> deleted) {
            this(pushed, deleted, List.of(), List.of());
        }

        public boolean isEmpty() {
            return pushed.isEmpty() && deleted.isEmpty() && repointed.isEmpty() && rejected.isEmpty();
        }
    }
}
