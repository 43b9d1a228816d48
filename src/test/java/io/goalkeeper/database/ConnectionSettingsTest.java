package io.goalkeeper.database;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;

/** What the service's own connections ask of PostgreSQL when they open. */
@QuarkusTest
class ConnectionSettingsTest {

    @Inject
    Pool pool;

    @Test
    void statementsAreNeverJitCompiled() {
        Row row = pool.query("select current_setting('jit') as jit, source from pg_settings where name = 'jit'")
                .execute().await().indefinitely().iterator().next();
        assertThat(row.getString("jit")).isEqualTo("off");
        assertThat(row.getString("source")).as("set by the connection, whatever the server's default").isEqualTo("client");
    }
}
