package io.goalkeeper.smartsuite;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.goalkeeper.sync.ChangeFeed.Change;
import io.goalkeeper.sync.ChangeFeed.Rejected;
import io.goalkeeper.sync.SyncTarget.PushResult;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * Writes a batch and, when SmartSuite refuses its data (400, 422), finds out whose fault it is. The
 * table may have changed: its schema is read again, and a missing field fails the run naming it. If
 * the fields are as they were, the batch is halved until the goal at fault is alone, and that goal is
 * set aside with SmartSuite's reason. When both halves are refused the fault is not one goal's (a field
 * of the wrong type, say): the run fails and nothing is set aside, after at most three calls.
 */
@ApplicationScoped
class RefusalBisector {

    static final String REFUSED_GOALS = "goalkeeper.smartsuite.refused.goals";
    private static final Logger LOG = Logger.getLogger(RefusalBisector.class);

    @Inject
    TableSchema schema;

    @Inject
    RecordWrites writes;

    @Inject
    MeterRegistry metrics;

    /** Sends these goals (all of one kind); refused ones come back as rejected. */
    Uni<PushResult> write(TableFields fields, List<Change> changes) {
        return writes.send(fields, changes).onFailure(RefusalBisector::refusedData).recoverWithUni(refusal -> schema.reread()
                .chain(current -> current.equals(fields) ? isolate(fields, changes, (SmartSuiteException) refusal)
                        : writes.send(current, changes).onFailure(RefusalBisector::refusedData)
                                .recoverWithUni(again -> isolate(current, changes, (SmartSuiteException) again))));
    }

    private Uni<PushResult> isolate(TableFields fields, List<Change> changes, SmartSuiteException refusal) {
        if (changes.size() == 1) {
            return Uni.createFrom().item(() -> setAside(changes.get(0), refusal));
        }
        List<Change> first = changes.subList(0, changes.size() / 2);
        List<Change> second = changes.subList(changes.size() / 2, changes.size());
        return attempt(fields, first).chain(a -> attempt(fields, second).chain(b -> {
            if (a.isEmpty() && b.isEmpty()) {
                return Uni.createFrom().failure(new SmartSuiteException(refusal.status, false,
                        "SmartSuite refuses the data of every part of a batch, so the table, not one goal, is at fault;"
                                + " nothing was set aside: " + refusal.getMessage()));
            }
            Uni<PushResult> left = a.map(Uni.createFrom()::item).orElseGet(() -> isolate(fields, first, refusal));
            Uni<PushResult> right = b.map(Uni.createFrom()::item).orElseGet(() -> isolate(fields, second, refusal));
            return left.chain(l -> right.map(r -> PushResults.merge(l, r)));
        }));
    }

    /** The result of sending these goals, or empty when SmartSuite refuses their data. */
    private Uni<Optional<PushResult>> attempt(TableFields fields, List<Change> changes) {
        return writes.send(fields, changes).map(Optional::of)
                .onFailure(RefusalBisector::refusedData).recoverWithItem(Optional.empty());
    }

    private PushResult setAside(Change refused, SmartSuiteException refusal) {
        LOG.errorf("SmartSuite refused goal %s (user %s, version %d); it waits until the goal changes: %s",
                refused.goal().id(), refused.userId(), refused.goal().version(), refusal.getMessage());
        metrics.counter(REFUSED_GOALS).increment();
        return new PushResult(List.of(), List.of(), List.of(), List.of(new Rejected(
                refused.goal().id(), refused.userId(), refused.goal().version(), refusal.getMessage())));
    }

    private static boolean refusedData(Throwable failure) {
        return failure instanceof SmartSuiteException s && (s.status == 400 || s.status == 422);
    }
}
