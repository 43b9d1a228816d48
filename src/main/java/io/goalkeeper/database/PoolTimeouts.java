package io.goalkeeper.database;

import java.util.List;

import jakarta.inject.Singleton;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/**
 * Bounds how long a request waits for the database: Vert.x waits 30 s for a pooled connection and
 * 60 s for a new one by default, which would hold requests long after the database went away.
 * Past these bounds the request is answered 503 with Retry-After.
 */
@Singleton
public class PoolTimeouts implements PgPoolCreator {

    static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    static final int ACQUIRE_TIMEOUT_SECONDS = 5;

    @Override
    public Pool create(Input input) {
        PoolOptions poolOptions = new PoolOptions(input.poolOptions())
                .setConnectionTimeout(ACQUIRE_TIMEOUT_SECONDS);
        for (PgConnectOptions options : input.pgConnectOptionsList()) {
            options.setConnectTimeout(CONNECT_TIMEOUT_MILLIS);
        }
        return PgBuilder.pool().with(poolOptions).connectingTo(List.copyOf(input.pgConnectOptionsList())).using(input.vertx()).build();
    }
}
