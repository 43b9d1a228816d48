package io.goalkeeper.history;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Tells every replica's streams that a user's collection moved, once the write has committed.
 * <p>
 * The notification is not sent by the writing transaction itself: PostgreSQL serialises the commits of
 * all transactions that {@code NOTIFY} on one lock held through their WAL flush, which cut replace-all
 * from about 1,600 to 580 transactions a second (bench/history.sh). Here a replica sends what its
 * commits left to announce in one transaction at a time, at most one every {@link #SPACING_MILLIS}, and
 * names every user of it in one notification ({@code {"<user>": <collection version>, ...}}, split
 * where PostgreSQL's 8,000 bytes would not hold it): under load, one transaction, one WAL flush and one
 * message to each replica's listener stand for many writes instead of one each. Writers never wait for
 * it, and this replica's streams are woken at once. A notification
 * lost to a crash right after a commit, or to an unreachable database, only delays the set: every
 * stream also reads the log at each keep-alive, and after the listener reconnects.
 */
@ApplicationScoped
public class ChangeNotifier {

    private static final Logger LOG = Logger.getLogger(ChangeNotifier.class);
    private static final String NOTIFY = "select pg_notify('" + ChangeLog.CHANNEL + "', payload) from unnest($1::text[]) as payload";
    /** A busy replica's notifications wait this long at most, for the other replicas' streams only. */
    private static final long SPACING_MILLIS = 10;
    /** Under PostgreSQL's limit of 8,000 bytes a payload. */
    private static final int MAX_PAYLOAD_BYTES = 7_900;

    @Inject
    Pool pool;

    @Inject
    Vertx vertx;

    @Inject
    EventStreams streams;

    /** Per user, the newest committed version not yet announced; one entry a user, however many writes. */
    private final Map<String, Long> pending = new LinkedHashMap<>();
    private boolean sending;
    private boolean failing;
    private long lastSentAt = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(SPACING_MILLIS);

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
        sendWhenDue();
    }

    private void sendWhenDue() {
        long wait;
        synchronized (this) {
            wait = TimeUnit.NANOSECONDS.toMillis(lastSentAt - System.nanoTime()) + SPACING_MILLIS;
        }
        if (wait > 0) {
            vertx.setTimer(wait, timer -> send());
        } else {
            send();
        }
    }

    private void send() {
        List<String> payloads;
        int users;
        synchronized (this) {
            if (pending.isEmpty()) {
                sending = false;
                return;
            }
            payloads = payloads(pending);
            users = pending.size();
            pending.clear();
            lastSentAt = System.nanoTime();
        }
        pool.preparedQuery(NOTIFY).execute(Tuple.tuple().addArrayOfString(payloads.toArray(String[]::new)))
                .subscribe().with(sent -> {
                    synchronized (this) {
                        if (failing) {
                            LOG.info("Change notifications reach the other replicas again");
                        }
                        failing = false;
                    }
                    sendWhenDue();
                }, failure -> {
                    synchronized (this) {
                        if (!failing) {
                            LOG.warnf("Cannot notify the other replicas of %d users' changes; their streams"
                                    + " catch up at their next keep-alive: %s", users, failure.getMessage());
                        }
                        failing = true;
                    }
                    sendWhenDue();
                });
    }

    /** The users' versions as JSON objects, as few as PostgreSQL's limit on a payload allows. */
    static List<String> payloads(Map<String, Long> versions) {
        List<String> payloads = new ArrayList<>();
        StringBuilder payload = new StringBuilder("{");
        int bytes = 2;
        for (Map.Entry<String, Long> entry : versions.entrySet()) {
            String member = "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(entry.getKey())) + "\":"
                    + entry.getValue();
            int memberBytes = member.getBytes(StandardCharsets.UTF_8).length + 1;
            if (payload.length() > 1 && bytes + memberBytes > MAX_PAYLOAD_BYTES) {
                payloads.add(payload.append('}').toString());
                payload = new StringBuilder("{");
                bytes = 2;
            }
            payload.append(payload.length() > 1 ? "," : "").append(member);
            bytes += memberBytes;
        }
        payloads.add(payload.append('}').toString());
        return payloads;
    }
}
