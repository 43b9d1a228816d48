package io.goalkeeper.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import io.goalkeeper.support.Db;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The change sets a server recorded before each set became one row survive the migration: a database
 * of its own, migrated by the service's role (Row Level Security forced on the tables, as in
 * production), filled as that version of the service filled it, then migrated to the end.
 */
@QuarkusTest
class ChangeLogMigrationTest {

    private static final String MIGRATIONS = "filesystem:src/main/resources/db/migration";

    @Test
    void setsRecordedOneRowPerGoalBecomeOneRowEach() throws SQLException {
        Config config = ConfigProvider.getConfig();
        String role = config.getValue("quarkus.datasource.username", String.class);
        String password = config.getOptionalValue("quarkus.datasource.password", String.class).orElse(null);
        URI service = URI.create(config.getValue("quarkus.datasource.reactive.url", String.class));
        String database = "goalkeeper_migration_" + UUID.randomUUID().toString().replace("-", "");
        String url = "jdbc:postgresql://" + service.getHost() + ":" + service.getPort() + "/" + database;
        try (Connection admin = Db.superuser(); Statement statement = admin.createStatement()) {
            statement.execute("create database " + database + " owner " + role);
        }
        try {
            Flyway.configure().dataSource(url, role, password).locations(MIGRATIONS).target("8").load().migrate();
            // in the order of their ids, which is the order the migration gives a set's goals
            UUID kept = UUID.fromString("00000000-0000-4000-8000-000000000001");
            UUID deleted = UUID.fromString("00000000-0000-4000-8000-000000000002");
            try (Connection connection = DriverManager.getConnection(url, "postgres", null);
                    Statement statement = connection.createStatement()) {
                statement.execute("""
                        insert into change_sets (user_id, collection_version, at, by, request) values
                            ('u', 1, now() - interval '3 minutes', 'u', 'r1'),
                            ('u', 2, now() - interval '2 minutes', 'u', 'r2'),
                            ('u', 3, now() - interval '1 minute', 'u', 'r3');
                        insert into goal_changes (user_id, collection_version, goal_id, kind, version, goal, before) values
                            ('u', 1, '%1$s', 'created', 1, '{"title": "A", "version": 1}', null),
                            ('u', 1, '%2$s', 'created', 1, '{"title": "X", "version": 1}', null),
                            ('u', 2, '%1$s', 'updated', 2, '{"title": "B", "version": 2}', '{"title": "A", "version": 1}'),
                            ('u', 3, '%1$s', 'updated', 3, '{"title": "C", "version": 3}', '{"title": "B", "version": 2}'),
                            ('u', 3, '%2$s', 'deleted', 2, null, '{"title": "X", "version": 1}');
                        """.formatted(kept, deleted));
            }

            Flyway.configure().dataSource(url, role, password).locations(MIGRATIONS).load().migrate();

            try (Connection connection = DriverManager.getConnection(url, "postgres", null);
                    Statement statement = connection.createStatement()) {
                List<String> sets = new ArrayList<>();
                try (ResultSet rows = statement.executeQuery("""
                        select collection_version, request, goal_ids, kinds, versions, befores
                        from change_sets order by collection_version""")) {
                    while (rows.next()) {
                        sets.add(rows.getLong(1) + " " + rows.getString(2) + " " + text(rows.getArray(3)) + " "
                                + text(rows.getArray(4)) + " " + text(rows.getArray(5)) + " " + text(rows.getArray(6)));
                    }
                }
                assertThat(sets).containsExactly(
                        "1 r1 [" + kept + ", " + deleted + "] [created, created] [1, 1] [null, null]",
                        "2 r2 [" + kept + "] [updated] [2] [{\"title\": \"A\", \"version\": 1}]",
                        "3 r3 [" + kept + ", " + deleted + "] [updated, deleted] [3, 2] "
                                + "[{\"title\": \"B\", \"version\": 2}, {\"title\": \"X\", \"version\": 1}]");
                try (ResultSet rows = statement.executeQuery("""
                        select to_regclass('goal_changes') is null,
                               (select relforcerowsecurity from pg_class where oid = 'change_sets'::regclass),
                               (select attcompression from pg_attribute
                                where attrelid = 'change_sets'::regclass and attname = 'befores'),
                               'lz4' = any ((select enumvals from pg_settings
                                             where name = 'default_toast_compression')::text[])""")) {
                    assertThat(rows.next()).isTrue();
                    assertThat(rows.getBoolean(1)).as("the old table is gone").isTrue();
                    assertThat(rows.getBoolean(2)).as("Row Level Security is forced again").isTrue();
                    assertThat(rows.getString(3)).as("lz4 where the server has it, else the default")
                            .isEqualTo(rows.getBoolean(4) ? "l" : "");
                }
            }
        } finally {
            try (Connection admin = Db.superuser(); Statement statement = admin.createStatement()) {
                statement.execute("drop database if exists " + database + " with (force)");
            }
        }
    }

    private static String text(Array array) throws SQLException {
        return Arrays.toString((Object[]) array.getArray());
    }
}
