package io.goalkeeper.smartsuite;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.goalkeeper.sync.SyncTarget.PushResult;

/** Adding up what parts of one batch achieved. */
final class PushResults {

    static final PushResult NONE = new PushResult(List.of(), List.of());

    private PushResults() {
    }

    /** Everything either part achieved: pushes, deletions, repoints and refusals alike. */
    static PushResult merge(PushResult a, PushResult b) {
        return new PushResult(both(a.pushed(), b.pushed()), both(a.deleted(), b.deleted()),
                both(a.repointed(), b.repointed()), both(a.rejected(), b.rejected()));
    }

    /** The goals the result holds a record for: pushed, or linked to one to push again. */
    static List<UUID> linked(PushResult result) {
        List<UUID> linked = new ArrayList<>();
        result.pushed().forEach(p -> linked.add(p.goalId()));
        result.repointed().forEach(r -> linked.add(r.goalId()));
        return linked;
    }

    private static <T> List<T> both(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
