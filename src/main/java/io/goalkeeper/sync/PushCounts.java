package io.goalkeeper.sync;

import io.goalkeeper.sync.ChangeFeed.Batch;
import io.goalkeeper.sync.SyncTarget.PushResult;

/** What a run has pushed so far, and the goals the target refused. */
record PushCounts(int created, int updated, int deleted, int rejected, String firstRejection) {

    static final PushCounts NONE = new PushCounts(0, 0, 0, 0, null);

    PushCounts plus(Batch batch, PushResult result) {
        long updates = batch.changes().stream()
                .filter(c -> c.remoteId() != null)
                .filter(c -> result.pushed().stream().anyMatch(p -> p.goalId().equals(c.goal().id())))
                .count();
        String first = firstRejection != null || result.rejected().isEmpty() ? firstRejection
                : "goal " + result.rejected().get(0).goalId() + ": " + result.rejected().get(0).error();
        return new PushCounts(created + result.pushed().size() - (int) updates, updated + (int) updates,
                deleted + result.deleted().size(), rejected + result.rejected().size(), first);
    }
}
