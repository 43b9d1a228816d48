package io.goalkeeper.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.Map;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A PostgreSQL for tests that start the packaged service as separate processes: an embedded server
 * with a fresh database owned by an ordinary role, as the service expects in production.
 */
public final class PostgresForProcesses implements AutoCloseable {

    private static final String ROLE = "goalkeeper_it";
    private final Path dataDirectory;
    private final int port;
    private final String database;
    private EmbeddedPostgres embedded;

    private PostgresForProcesses(Path dataDirectory, int port, String database) throws IOException {
        this.dataDirectory = dataDirectory;
        this.port = port;
        this.database = database;
        this.embedded = server();
    }

    public static PostgresForProcesses start(String database) throws IOException, SQLException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        PostgresForProcesses postgres = new PostgresForProcesses(Files.createTempDirectory("goalkeeper-pg-"), port, database);
        try (Connection connection = postgres.embedded.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("create role " + ROLE + " login password '" + ROLE + "' nosuperuser nobypassrls");
            statement.execute("create database " + database + " owner " + ROLE);
        }
        return postgres;
    }

    /** Stops the server, as a database outage does; {@link #restart()} brings it back with its data. */
    public void stop() throws IOException {
        embedded.close();
    }

    /**
     * Stops the server as a crash or {@code pg_ctl stop -m immediate} does: SIGQUIT to the postmaster,
     * whose backends drop their connections mid-statement without a goodbye.
     */
    public void stopImmediately() throws IOException, InterruptedException {
        long pid = Long.parseLong(Files.readAllLines(dataDirectory.resolve("postmaster.pid")).get(0).trim());
        ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow(() -> new IOException("no postmaster " + pid));
        if (new ProcessBuilder("kill", "-QUIT", Long.toString(pid)).inheritIO().start().waitFor() != 0) {
            throw new IOException("could not signal the postmaster " + pid);
        }
        postmaster.onExit().join();
        // Gives back the data directory's lock; its own stop finds the server gone and says so in the log.
        embedded.close();
    }

    public void restart() throws IOException {
        embedded = server();
    }

    /** Durable as a production server is: the embedded default skips waiting for the commit's flush. */
    private EmbeddedPostgres server() throws IOException {
        return EmbeddedPostgres.builder().setDataDirectory(dataDirectory).setCleanDataDirectory(false).setPort(port)
                .setServerConfig("synchronous_commit", "on")
                .start();
    }

    /** The service's datasource settings for this database. */
    public Map<String, String> environment() {
        return Map.of(
                "QUARKUS_DATASOURCE_REACTIVE_URL", "postgresql://127.0.0.1:" + port + "/" + database,
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
        try (var files = Files.walk(dataDirectory)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
