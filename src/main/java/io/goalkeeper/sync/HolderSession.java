package io.goalkeeper.sync;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

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

    /**
     * The advisory lock space ("GKLK") of holders' sessions: the session of the holder with token t
     * holds the advisory lock (this space, t modulo 2^31), shown in pg_locks as classid and objid.
     */
    static final int LOCK_SPACE = 0x474B4C4B;

    /**
     * Whether the holder's session named by the lock row is gone: the row names one for its current
     * token (an older version's acquisition leaves a different token there), and no session holds that
     * token's advisory lock any more. pg_locks shows every session's locks to every role.
     */
    static final String GONE = """
            coalesce(status = 'running' and holder_session_token = token and not exists (
                select 1 from pg_locks l
                where l.locktype = 'advisory' and l.objsubid = 2 and l.granted
                  and l.database = (select oid from pg_database where datname = current_database())
                  and l.classid = %d and l.objid = (token %% 2147483648)::oid), false)""".formatted(LOCK_SPACE);

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

    /** Runs {@code work} in one transaction on this session: committed when it succeeds, rolled back when it fails. */
    <T> Uni<T> inTransaction(Function<SqlConnection, Uni<T>> work) {
        return connection.begin().chain(transaction -> work.apply(connection)
                .call(transaction::commit)
                .onFailure().call(() -> transaction.rollback().onFailure().recoverWithNull()));
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
