package io.goalkeeper.database;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;

/**
 * In dev mode and tests, when no datasource URL is configured, starts an embedded PostgreSQL and
 * points the service at it, with the lowest priority of all sources. The embedded server's classes
 * are only on the dev-mode and test class paths, and the production profile never asks for it, so a
 * production jar can never start one.
 */
public class DatasourceConfigSourceFactory implements ConfigSourceFactory {

    static final String REACTIVE_URL = "quarkus.datasource.reactive.url";
    static final String USERNAME = "quarkus.datasource.username";
    static final String PASSWORD = "quarkus.datasource.password";
    private static final int ORDINAL = 50;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        boolean devOrTest = context.getProfiles().contains("dev") || context.getProfiles().contains("test");
        Map<String, String> settings = devOrTest && !configured(context.getValue(REACTIVE_URL))
                ? EmbeddedPostgresServer.shared().datasourceSettings()
                : Map.of();
        return List.of(new PropertiesConfigSource(settings, "goalkeeper-embedded-postgres", ORDINAL));
    }

    /** Its context only shows sources below this priority: it must see every one the operator may use. */
    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(Integer.MAX_VALUE);
    }

    private static boolean configured(ConfigValue value) {
        return value != null && value.getValue() != null && !value.getValue().isBlank();
    }
}
