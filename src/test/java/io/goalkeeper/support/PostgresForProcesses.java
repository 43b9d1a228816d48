package io.goalkeeper.support;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A PostgreSQL for tests that start the packaged service as separate processes: an embedded server
 * with a fresh database owned by an ordinary role, as the service expects in production.
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

    /** The service's datasource settings for this database. */
    public Map<String, String> environment() {
        return Map.of(
                "QUARKUS_DATASOURCE_REACTIVE_URL", "postgresql://127.0.0.1:" + embedded.getPort() + "/" + database,
                "QUARKUS_DATASOURCE_USERNAME", ROLE,
                "QUARKUS_DATASOURCE_PASSWORD", ROLE);
    }

    /** A superuser connection to this database, for what the service itself may not do. */
    public Connection superuser() throws SQLException {
        return embedded.getDatabase("postgres", database).getConnection();
    }

    @Override
    public void close() throws IOException {
        embedded.close();
    }
}
