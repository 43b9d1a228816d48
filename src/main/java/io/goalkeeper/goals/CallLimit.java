package io.goalkeeper.goals;

import java.time.Duration;

import org.eclipse.microprofile.config.spi.Converter;

import io.quarkus.runtime.configuration.DurationConverter;

/**
 * At most {@code calls} calls per {@code window}, written {@code <n>/<duration>} ({@code 30/1h}); {@code off}
 * is no limit.
 */
public record CallLimit(int calls, Duration window) {

    public CallLimit {
        if (calls < 1) {
            throw new IllegalArgumentException("a limit allows at least 1 call, not " + calls);
        }
        if (window.isNegative() || window.toSeconds() < 1) {
            throw new IllegalArgumentException("a limit's window is at least 1s, not " + window);
        }
    }

    /** Reads {@code 30/1h} or {@code 5/10m}; {@code off} reads as no value, so an optional setting is empty. */
    public static class Reader implements Converter<CallLimit> {

        @Override
        public CallLimit convert(String value) {
            String text = value.trim();
            if (text.equalsIgnoreCase("off")) {
                return null;
            }
            int slash = text.indexOf('/');
            if (slash < 1 || slash == text.length() - 1) {
                throw new IllegalArgumentException("expected <calls>/<duration> such as 30/1h, or off; got '" + value + "'");
            }
            try {
                return new CallLimit(Integer.parseInt(text.substring(0, slash).trim()),
                        DurationConverter.parseDuration(text.substring(slash + 1).trim()));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("expected <calls>/<duration> such as 30/1h, or off; got '" + value
                        + "': " + e.getMessage(), e);
            }
        }
    }
}
