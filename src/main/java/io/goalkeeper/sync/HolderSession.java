package io.goalkeeper.sync;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * The database session a holder keeps open for its run: a connection held out of the pool, on which
 * the acquisition took a session-level advisory lock that the lock row names. PostgreSQL drops that
 * advisory lock when the session ends, whatever ended it (the process killed, the connection cut, the
 * server restarted), and another replica may then take the lock over at once. The holder learns of
 * the end from the connection closing, and then treats its lease as lost.
 */
public final class HolderSession {

    private final SqlConnection connection;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final AtomicReference<Runnable> whenLost = new AtomicReference<>();

    private HolderSession(SqlConnection connection) {
        this.connection = connection;
        connection.closeHandler(() -> {
            ended.set(true);
            if (!closing.get()) {
                Runnable lost = whenLost.getAndSet(null);
                if (lost != null) {
                    lost.run();
                }
            }
        });
    }

    static Uni<HolderSession> open(Pool pool) {
        return pool.getConnection().map(HolderSession::new);
    }

    SqlConnection connection() {
        return connection;
    }

    /** Runs {@code lost} once if the session ends before {@link #close()}; at once if it already has. */
    void whenLost(Runnable lost) {
        whenLost.set(lost);
        if (ended.get() && !closing.get()) {
            Runnable pending = whenLost.getAndSet(null);
            if (pending != null) {
                pending.run();
            }
        }
    }

    /**
     * Gives the advisory lock back and the connection to the pool. Never fails: a session that cannot
     * unlock is broken, and the pool drops a broken connection.
     */
    Uni<Void> close() {
        if (!closing.compareAndSet(false, true)) {
            return Uni.createFrom().voidItem();
        }
        return connection.query("select pg_advisory_unlock_all()").execute()
                .replaceWithVoid()
                .onFailure().recoverWithNull()
                .eventually(() -> connection.close().onFailure().recoverWithNull());
    }
}
