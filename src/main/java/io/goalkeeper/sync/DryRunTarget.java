package io.goalkeeper.sync;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.goalkeeper.sync.ChangeFeed.Batch;
import io.goalkeeper.sync.ChangeFeed.Deletion;
import io.goalkeeper.sync.ChangeFeed.Pushed;
import io.smallrye.mutiny.Uni;

/**
 * Pushes nothing anywhere: logs each batch it would push and keeps the latest ones, so operators and
 * tests can see the change feed at work. Every goal counts as pushed under the remote id
 * {@code dry-run:<goal id>}.
 */
@ApplicationScoped
public class DryRunTarget implements SyncTarget {

    public static final String NAME = "dry-run";
    private static final Logger LOG = Logger.getLogger(DryRunTarget.class);
    private static final int KEPT_BATCHES = 100;

    private final Deque<Batch> recent = new ArrayDeque<>();

    @Inject
    SyncConfig config;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Uni<PushResult> push(Batch batch) {
        LOG.infof("Dry run: would create %d, update %d and delete %d SmartSuite records",
                batch.changes().stream().filter(c -> c.remoteId() == null).count(),
                batch.changes().stream().filter(c -> c.remoteId() != null).count(),
                batch.deletions().size());
        synchronized (recent) {
            recent.addLast(batch);
            if (recent.size() > KEPT_BATCHES) {
                recent.removeFirst();
            }
        }
        PushResult result = new PushResult(
                batch.changes().stream().map(c -> new Pushed(c.goal().id(), c.userId(), c.goal().version(),
                        c.remoteId() != null ? c.remoteId() : "dry-run:" + c.goal().id())).toList(),
                batch.deletions().stream().map(Deletion::goalId).toList());
        Duration pause = config.dryRunPause();
        return pause.isZero() ? Uni.createFrom().item(result)
                : Uni.createFrom().item(result).onItem().delayIt().by(pause);
    }

    /** The latest batches this target was given, oldest first. */
    public List<Batch> recentBatches() {
        synchronized (recent) {
            return List.copyOf(recent);
        }
    }
}
