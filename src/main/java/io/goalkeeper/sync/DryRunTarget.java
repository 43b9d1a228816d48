package io.goalkeeper.sync;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.goalkeeper.sync.ChangeFeed.Batch;
import io.goalkeeper.sync.ChangeFeed.Deletion;
import io.goalkeeper.sync.ChangeFeed.Pushed;
import io.smallrye.mutiny.Uni;

/**
 * Pushes nothing anywhere: logs each batch it would push, so operators can see the change feed at
 * work; the ledger records what it "pushed". Every goal counts as pushed under the remote id
 * {@code dry-run:<goal id>}.
 */
@ApplicationScoped
public class DryRunTarget implements SyncTarget {

    public static final String NAME = "dry-run";
    private static final Logger LOG = Logger.getLogger(DryRunTarget.class);

    @Override
    public String name() {
        return NAME;
    }

    @Inject
    SyncConfig config;

    @Override
    public Uni<PushResult> push(Batch batch) {
        LOG.infof("Dry run: would create %d, update %d and delete %d SmartSuite records",
                batch.changes().stream().filter(c -> c.remoteId() == null).count(),
                batch.changes().stream().filter(c -> c.remoteId() != null).count(),
                batch.deletions().size());
        PushResult result = new PushResult(
                batch.changes().stream().map(c -> new Pushed(c.goal().id(), c.userId(), c.goal().version(),
                        c.remoteId() != null ? c.remoteId() : "dry-run:" + c.goal().id())).toList(),
                batch.deletions().stream().map(Deletion::goalId).toList());
        Duration pause = config.dryRunPause();
        return pause.isZero() ? Uni.createFrom().item(result)
                : Uni.createFrom().item(result).onItem().delayIt().by(pause);
    }
}
