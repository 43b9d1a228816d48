package io.goalkeeper.database;

import java.io.IOException;
import java.util.concurrent.TimeoutException;

import io.vertx.core.VertxException;
import io.vertx.core.impl.NoStackTraceThrowable;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

/**
 * The database could not be reached, or the connection died under a statement. Failures are typed
 * here, where a call to the database ends, because a lost connection surfaces in many forms: a reset
 * or broken pipe ({@code SocketException}, Netty's native {@code IOException}), a closed channel or
 * connection, a pool timeout, the server shutting down ({@code 57P01}) or refusing ({@code 08}, {@code 53}).
 * Only here is an {@code IOException} known to be the database's and not, say, a client's body.
 */
public class DatabaseUnavailable extends RuntimeException {

    public DatabaseUnavailable(Throwable cause) {
        super("The database cannot be reached: " + cause, cause);
    }

    /** Whether the failure of a database call is a lost or refused connection. */
    public static boolean isConnectionLoss(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof DatabaseUnavailable || cause instanceof IOException
                    || cause instanceof ClosedConnectionException || cause instanceof TimeoutException
                    || (cause instanceof PgException pg && unavailable(pg.getSqlState()))
                    // the pool reports a lost connection or a connect timeout as a plain VertxException
                    || cause.getClass() == VertxException.class
                    // and a wait for a free connection past PoolTimeouts' bound as a bare "Timeout"
                    || (cause instanceof NoStackTraceThrowable && "Timeout".equals(cause.getMessage()))) {
                return true;
            }
        }
        return false;
    }

    private static boolean unavailable(String sqlState) {
        return sqlState != null && (sqlState.startsWith("08") || sqlState.startsWith("53") || sqlState.startsWith("57P"));
    }
}
