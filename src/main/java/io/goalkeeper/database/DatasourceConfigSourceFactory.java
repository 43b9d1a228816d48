package io.goalkeeper.database;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;

/**
 * Fills in the datasource settings the operator left out, with the lowest priority of all sources.
 * <ul>
 * <li>No reactive URL in dev mode or tests: an embedded PostgreSQL is started and both URLs point to it.
 * The embedded server's classes are only on the dev-mode and test class paths, so a production jar
 * can never start one.</li>
 * <li>A reactive URL but no JDBC URL: Flyway migrates the same database.</li>
 * </ul>
 */
public class DatasourceConfigSourceFactory implements ConfigSourceFactory {

    static final String REACTIVE_URL = "quarkus.datasource.reactive.url";
    static final String JDBC_URL = "quarkus.datasource.jdbc.url";
    private static final int ORDINAL = 50;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        String reactiveUrl = value(context, REACTIVE_URL);
        Map<String, String> defaults = new HashMap<>();
        if (reactiveUrl == null) {
            if (embeddedAllowed(context.getProfiles())) {
                defaults.putAll(EmbeddedPostgresServer.shared().datasourceSettings());
            }
        } else if (value(context, JDBC_URL) == null) {
            defaults.put(JDBC_URL, jdbcUrlFor(reactiveUrl));
        }
        return List.of(new PropertiesConfigSource(defaults, "goalkeeper-datasource-defaults", ORDINAL));
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ORDINAL);
    }

    private static boolean embeddedAllowed(List<String> profiles) {
        return profiles.contains("dev") || profiles.contains("test");
    }

    private static String value(ConfigSourceContext context, String name) {
        ConfigValue value = context.getValue(name);
        return value == null || value.getValue() == null || value.getValue().isBlank() ? null : value.getValue();
    }

    /** {@code postgresql://user:pw@host:5432/db?x=y} becomes {@code jdbc:postgresql://host:5432/db?x=y}. */
    static String jdbcUrlFor(String reactiveUrl) {
        URI uri = URI.create(reactiveUrl.startsWith("postgres://")
                ? "postgresql://" + reactiveUrl.substring("postgres://".length())
                : reactiveUrl);
        String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        return "jdbc:postgresql://" + uri.getHost() + port + uri.getRawPath() + query;
    }
}
