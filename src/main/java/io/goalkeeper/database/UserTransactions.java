package io.goalkeeper.database;

import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Transactions on behalf of one user. Row Level Security only shows a transaction the rows of the
 * user it names in {@code goalkeeper.user_id}; the setting is transaction-local, so a pooled connection
 * never carries it into another request.
 *
 * <p>{@code BEGIN}, the setting and the work's first statements go out together, pipelined on one
 * connection, so a transaction costs no round trip of its own ({@code Pool.withTransaction} waits for
 * BEGIN's answer first). PostgreSQL runs them in order; if one fails, the ones after it fail too
 * ({@code 25P02}), but the first failure is the one reported, and the transaction is rolled back.
 * The work runs to its end even when the request is cancelled, so a connection goes back to the pool
 * only after its COMMIT or ROLLBACK. A lost connection fails as {@link DatabaseUnavailable}.
 */
@ApplicationScoped
public class UserTransactions {

    private static final String SET_USER = "select set_config('goalkeeper.user_id', $1, true)";

    @Inject
    Pool pool;

    public <T> Uni<T> asUser(String userId, Function<SqlConnection, Uni<T>> work) {
        return pool.withConnection(connection -> Uni.combine().all()
                .unis(connection.query("begin").execute(), connection.preparedQuery(SET_USER).execute(Tuple.of(userId)),
                        work.apply(connection))
                .with((begun, userSet, result) -> result)
                .call(() -> connection.query("commit").execute())
                .onFailure().call(() -> connection.query("rollback").execute().onFailure().recoverWithNull()))
                .onFailure(DatabaseUnavailable::isConnectionLoss).transform(DatabaseUnavailable::new);
    }
}
