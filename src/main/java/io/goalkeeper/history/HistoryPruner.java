package io.goalkeeper.history;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Deletes change sets past the retention, a small batch per transaction, oldest first, and moves each
 * user's horizon (what {@code since} may be) past them. Writes never wait for it: they only insert
 * new sets, and a batch's locks are on old ones; replicas skip each other's batches. No set kept needs a
 * pruned one: what a change made of a goal is kept by the goal's next change, or by the goal itself.
 */
@ApplicationScoped
public class HistoryPruner {

    private static final Logger LOG = Logger.getLogger(HistoryPruner.class);

    private static final String PRUNE = """
            with doomed as (
                select user_id, collection_version from change_sets
                where at < clock_timestamp() - make_interval(secs => $1)
                order by at
                limit $2
                for update skip locked
            ), sets as (
                delete from change_sets c using doomed d
                where c.user_id = d.user_id and c.collection_version = d.collection_version
                returning c.user_id, c.collection_version
            ), horizons as (
                insert into history_horizons as h (user_id, kept_after)
                select user_id, max(collection_version) from sets group by user_id
                on conflict (user_id) do update set kept_after = greatest(h.kept_after, excluded.kept_after)
            )
            select count(*) as pruned from sets""";

    @Inject
    Pool pool;

    @Inject
    HistoryConfig config;

    @Scheduled(every = "{goalkeeper.history.prune-interval}", delayed = "{goalkeeper.history.prune-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return prune(config.retention(), config.pruneBatch())
                .invoke(pruned -> {
                    if (pruned > 0) {
                        LOG.infof("Pruned %d change sets older than %s", pruned, config.retention());
                    }
                })
                .onFailure().invoke(failure -> LOG.warnf("Pruning the change history failed: %s", failure.getMessage()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /** Prunes batch after batch until one finds fewer than {@code batch} sets; how many it pruned. */
    public Uni<Long> prune(Duration retention, int batch) {
        return pruneBatch(retention, batch).chain(pruned -> pruned < batch
                ? Uni.createFrom().item(pruned)
                : prune(retention, batch).map(more -> pruned + more));
    }

    private Uni<Long> pruneBatch(Duration retention, int batch) {
        return pool.withTransaction(connection -> connection
                .preparedQuery("select set_config('goalkeeper.prune', 'on', true)").execute()
                .chain(() -> connection.preparedQuery(PRUNE)
                        .execute(Tuple.of(retention.toMillis() / 1000.0, batch)))
                .map(rows -> rows.iterator().next().getLong("pruned")));
    }
}
