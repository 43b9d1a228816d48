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
 * never carries it into another request. It is pipelined with the work's first statement: no extra
 * round trip.
 */
@ApplicationScoped
public class UserTransactions {

    private static final String SET_USER = "select set_config('goalkeeper.user_id', $1, true)";

    @Inject
    Pool pool;

    public <T> Uni<T> asUser(String userId, Function<SqlConnection, Uni<T>> work) {
        return pool.withTransaction(connection -> Uni.combine().all()
                .unis(connection.preparedQuery(SET_USER).execute(Tuple.of(userId)), work.apply(connection))
                .with((userSet, result) -> result));
    }
}
