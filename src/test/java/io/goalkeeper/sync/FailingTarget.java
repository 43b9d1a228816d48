package io.goalkeeper.sync;

import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;

import io.goalkeeper.sync.ChangeFeed.Batch;
import io.goalkeeper.sync.ChangeFeed.Deletion;
import io.goalkeeper.sync.ChangeFeed.Pushed;
import io.smallrye.mutiny.Uni;

/** A target that fails while told to, as SmartSuite does when it answers 5xx, and otherwise takes every batch. */
@ApplicationScoped
public class FailingTarget implements SyncTarget {

    static final String NAME = "failing";
    private final AtomicBoolean failing = new AtomicBoolean();

    /** Whether pushes fail from now on (a method: tests reach this bean through its client proxy). */
    void failing(boolean fail) {
        failing.set(fail);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Uni<PushResult> push(Batch batch) {
        if (failing.get()) {
            return Uni.createFrom().failure(new IllegalStateException("the target answered 503 Service Unavailable"));
        }
        return Uni.createFrom().item(new PushResult(
                batch.changes().stream().map(c -> new Pushed(c.goal().id(), c.userId(), c.goal().version(), "remote-" + c.goal().id()))
                        .toList(),
                batch.deletions().stream().map(Deletion::goalId).toList()));
    }
}
