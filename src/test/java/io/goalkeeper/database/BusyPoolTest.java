package io.goalkeeper.database;

import static io.goalkeeper.support.Api.as;
import static org.hamcrest.Matchers.equalTo;

import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.goalkeeper.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;

/** A request that waits for a pooled connection past the bound is told to come back, not that it failed. */
@QuarkusTest
class BusyPoolTest {

    @Inject
    Pool pool;

    @Test
    void aRequestThatFindsNoFreeConnectionIs503WithRetryAfter() {
        String user = Tokens.newUser();
        int size = ConfigProvider.getConfig().getValue("quarkus.datasource.reactive.max-size", Integer.class);
        List<SqlConnection> held = new ArrayList<>();
        try {
            for (int i = 0; i < size; i++) {
                held.add(pool.getConnection().await().indefinitely());
            }
            as(user).get("/api/v1/goals").then().statusCode(503).header("Retry-After", "5")
                    .contentType("application/problem+json").body("type", equalTo("urn:goalkeeper:problem:database-unavailable"));
        } finally {
            held.forEach(connection -> connection.close().await().indefinitely());
        }
        as(user).get("/api/v1/goals").then().statusCode(200);
    }
}
