package io.goalkeeper.sync;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.goalkeeper.sync.ChangeFeed.Change;
import io.smallrye.mutiny.Uni;

/**
 * A run's work: reads the change feed a batch at a time, pushes each batch to the target and records
 * what the target now holds through the fenced ledger, until the feed is empty. Creates are noted as
 * sent before they go, so a run that dies in between leaves a trace instead of a duplicate.
 */
@ApplicationScoped
public class PushLoop {

    @Inject
    ChangeFeed feed;

    @Inject
    SyncLedger ledger;

    @Inject
    SyncConfig config;

    /** Pushes everything pending; the run's counts follow each recorded batch. */
    Uni<PushCounts> pushAll(SyncTarget target, ActiveRun run) {
        return feed.next(config.batchSize()).chain(batch -> {
            if (batch.isEmpty() || run.ended.get()) {
                return Uni.createFrom().item(run.counts.get());
            }
            List<Change> creates = batch.changes().stream().filter(c -> c.remoteId() == null).toList();
            Uni<Void> noted = creates.isEmpty() ? Uni.createFrom().voidItem()
                    : ledger.markCreateSent(run.lease.token(), creates);
            return noted.chain(() -> target.push(batch))
                    .call(result -> ledger.record(run.lease.token(), result))
                    .chain(result -> {
                        PushCounts now = run.counts.get().plus(batch, result);
                        run.counts.set(now);
                        // A batch the target took none of would come back unchanged: leave it for the next run.
                        return result.isEmpty() ? Uni.createFrom().item(now) : pushAll(target, run);
                    });
        });
    }
}
