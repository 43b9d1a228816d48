package io.goalkeeper.restclient;

import java.util.regex.Pattern;

import jakarta.annotation.Priority;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;

/**
 * Lets a REST client's {@code quarkus.rest-client.<key>.connect-timeout} and {@code read-timeout} be a
 * duration ({@code 30s}), as every goalkeeper setting is, so that application.properties can take them
 * from those settings: Quarkus reads them as milliseconds. Its priority puts it outside the expression
 * interceptor, so it sees the value expanded; a value it cannot read (such as one read without
 * expansion while the application is built) is left for Quarkus to read, or to refuse naming it.
 */
@Priority(Priorities.APPLICATION)
public class DurationTimeouts implements ConfigSourceInterceptor {

    private static final Pattern TIMEOUT = Pattern.compile("quarkus\\.rest-client\\.[^.]+\\.(connect|read)-timeout");
    private static final Pattern MILLIS = Pattern.compile("\\d+");

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        if (value == null || value.getValue() == null || !TIMEOUT.matcher(name).matches()
                || MILLIS.matcher(value.getValue().trim()).matches()) {
            return value;
        }
        try {
            return value.withValue(Long.toString(DurationConverter.parseDuration(value.getValue()).toMillis()));
        } catch (IllegalArgumentException notADuration) {
            return value;
        }
    }
}
