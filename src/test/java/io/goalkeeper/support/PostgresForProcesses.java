package io.goalkeeper.support;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A PostgreSQL for tests that start the packaged service as separate processes: the external
 * database given in QUARKUS_DATASOURCE_REACTIVE_URL when there is one, else an embedded server with
 * a fresh database owned by an ordinary role, as the service expects in production.
 */
public final class PostgresForProcesses implements AutoCloseable {

    private static final String ROLE = "goalkeeper_it";
    private final EmbeddedPostgres embedded;
    private final String database;

    private PostgresForProcesses(EmbeddedPostgres embedded, String database) {
        this.embedded = embedded;
        this.database = database;
    }

    public static PostgresForProcesses start(String database) throws IOException, SQLException {
        EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("create role " + ROLE + " login password '" + ROLE + "' nosuperuser nobypassrls");
            statement.execute("create database " + database + " owner " + ROLE);
        }
        return new PostgresForProcesses(postgres, database);
    }

    public String reactiveUrl() {
        return "postgresql://127.0.0.1:" + embedded.getPort() + "/" + database;
    }

    public String username() {
        return ROLE;
    }

    @Override
    public void close() throws IOException {
        embedded.close();
    }
}
