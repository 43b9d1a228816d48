package io.goalkeeper.smartsuite;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;

/**
 * When the next SmartSuite call may start. SmartSuite counts every call of a key together, so all
 * calls share one pace ({@code rate-limit} a second) and, after a 429, one pause: every call waits,
 * not only the one refused.
 */
@ApplicationScoped
class SmartSuiteGate {

    /** Timers take whole milliseconds and refuse a delay under one: such a wait is no wait. */
    private static final long MIN_TIMER_NANOS = 1_000_000;

    @Inject
    SmartSuiteConfig config;

    /** The earliest time (System.nanoTime) the next call may start; every call takes the next slot. */
    private final AtomicLong nextSlot = new AtomicLong(Long.MIN_VALUE);

    /** Completes when this call's turn comes. */
    Uni<Void> turn() {
        long interval = (long) (1_000_000_000L / config.rateLimit());
        long now = System.nanoTime();
        long mine = nextSlot.updateAndGet(next -> Math.max(next, now) + interval) - interval;
        long wait = mine - now;
        return wait < MIN_TIMER_NANOS ? Uni.createFrom().voidItem()
                : Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofNanos(wait));
    }

    /** Holds every call back after a 429 for its {@code Retry-After}; answers how long. */
    Duration pauseAfter429(String retryAfter) {
        Duration wait = retryAfter(retryAfter, ZonedDateTime.now(), config.rateLimitedWait());
        long until = System.nanoTime() + wait.toNanos();
        nextSlot.updateAndGet(next -> Math.max(next, until));
        return wait;
    }

    /** {@code Retry-After} as seconds or as an HTTP date; {@code otherwise} when absent or unreadable. */
    static Duration retryAfter(String header, ZonedDateTime now, Duration otherwise) {
        if (header == null || header.isBlank()) {
            return otherwise;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(header.trim())));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration until = Duration.between(now, ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME));
                return until.isNegative() ? Duration.ZERO : until;
            } catch (DateTimeParseException notDate) {
                return otherwise;
            }
        }
    }
}
