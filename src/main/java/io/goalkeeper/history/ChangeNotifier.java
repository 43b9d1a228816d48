package io.goalkeeper.history;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Tells every replica's streams that a user's collection moved, once the write has committed.
 * <p>
 * The notification is not sent by the writing transaction itself: PostgreSQL serialises the commits of
 * all transactions that {@code NOTIFY} on one lock held through their WAL flush, which cut replace-all
 * from about 1,600 to 580 transactions a second (bench/history.sh). Here a replica sends what its
 * commits left to announce in one statement at a time, each a transaction of its own, so writers
 * never wait on that lock and a burst of writes costs one flush. This replica's streams are woken at
 * once. A notification lost to a crash right after a commit, or to an unreachable database, only
 * delays the set: every stream also reads the log at each keep-alive, and after the listener reconnects.
 */
@ApplicationScoped
public class ChangeNotifier {

    private static final Logger LOG = Logger.getLogger(ChangeNotifier.class);
    private static final String NOTIFY = "select pg_notify('" + ChangeLog.CHANNEL + "', payload) from unnest($1::text[]) as payload";

    @Inject
    Pool pool;

    @Inject
    EventStreams streams;

    /** Per user, the newest committed version not yet announced; one entry a user, however many writes. */
    private final Map<String, Long> pending = new LinkedHashMap<>();
    private boolean sending;
    private boolean failing;

    /** The user's write committed: the collection is at {@code collectionVersion} now. */
    public void committed(String userId, long collectionVersion) {
        streams.changed(userId);
        synchronized (this) {
            pending.merge(userId, collectionVersion, Math::max);
            if (sending) {
                return;
            }
            sending = true;
        }
        send();
    }

    private void send() {
        List<String> payloads;
        synchronized (this) {
            if (pending.isEmpty()) {
                sending = false;
                return;
            }
            payloads = pending.entrySet().stream().map(p -> p.getKey() + ":" + p.getValue()).toList();
            pending.clear();
        }
        pool.preparedQuery(NOTIFY).execute(Tuple.tuple().addArrayOfString(payloads.toArray(String[]::new)))
                .subscribe().with(sent -> {
                    synchronized (this) {
                        if (failing) {
                            LOG.info("Change notifications reach the other replicas again");
                        }
                        failing = false;
                    }
                    send();
                }, failure -> {
                    synchronized (this) {
                        if (!failing) {
                            LOG.warnf("Cannot notify the other replicas of %d users' changes; their streams"
                                    + " catch up at their next keep-alive: %s", payloads.size(), failure.getMessage());
                        }
                        failing = true;
                    }
                    send();
                });
    }
}
