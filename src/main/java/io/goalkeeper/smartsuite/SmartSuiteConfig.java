package io.goalkeeper.smartsuite;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;

import org.hibernate.validator.constraints.time.DurationMin;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * How the sync reaches SmartSuite ({@code GOALKEEPER_SMARTSUITE_*}); a value out of range stops the
 * start naming it. The REST client's URL and timeouts ({@code quarkus.rest-client.smartsuite.*}) are
 * taken from here.
 */
@ConfigMapping(prefix = "goalkeeper.smartsuite")
public interface SmartSuiteConfig {

    /** SmartSuite's API root. */
    @WithDefault("https://app.smartsuite.com/api/v1")
    @Pattern(regexp = "https?://.+", message = "must be an http or https URL")
    String baseUrl();

    /** The API key, sent as {@code Authorization: Token <key>}; required when the sync target is smartsuite. */
    Optional<String> apiToken();

    /** The workspace id (8 characters), sent as {@code ACCOUNT-ID}; required when the sync target is smartsuite. */
    Optional<String> accountId();

    /** The table (SmartSuite calls it an application) that holds one record per goal; required for smartsuite. */
    Optional<String> tableId();

    /** Calls per second, all calls together; SmartSuite allows 5 per key. */
    @WithDefault("4")
    @Positive
    double rateLimit();

    /** How long every call waits after a 429 when SmartSuite sends no {@code Retry-After}. */
    @WithDefault("30s")
    Duration rateLimitedWait();

    /** The first wait after a 502, 503, 504 or network error; it doubles per attempt, with jitter. */
    @WithDefault("1s")
    @DurationMin(millis = 1)
    Duration retryBackoff();

    /** The longest wait between two attempts of one call after a 5xx or network error; at least {@code retry-backoff}. */
    @WithDefault("30s")
    Duration retryMaxBackoff();

    /** How many times one call is tried before the run fails (429s included). */
    @WithDefault("6")
    @Min(1)
    int maxAttempts();

    /** How long one call may take, connecting included. */
    @WithDefault("30s")
    @DurationMin(millis = 1)
    Duration timeout();

    /** How often a run lists the whole table and repairs what drifted from the goals. */
    @WithDefault("24h")
    @DurationMin(seconds = 1)
    Duration reconcileEvery();

    /** The variables the smartsuite target needs that are unset or blank, by their names. */
    default List<String> missingCredentials() {
        List<String> missing = new ArrayList<>();
        if (apiToken().filter(v -> !v.isBlank()).isEmpty()) {
            missing.add("GOALKEEPER_SMARTSUITE_API_TOKEN");
        }
        if (accountId().filter(v -> !v.isBlank()).isEmpty()) {
            missing.add("GOALKEEPER_SMARTSUITE_ACCOUNT_ID");
        }
        if (tableId().filter(v -> !v.isBlank()).isEmpty()) {
            missing.add("GOALKEEPER_SMARTSUITE_TABLE_ID");
        }
        return missing;
    }

    /** Field slugs by key; a key left unset is found by its label in the table's schema. */
    Fields fields();

    /** The slugs of the table's fields ({@code GOALKEEPER_SMARTSUITE_FIELDS_<KEY>}). */
    interface Fields {
        /** The primary field, which holds the title; unset: the schema's primary field. */
        Optional<String> title();

        /** The goal's id (label {@code Goal ID}). */
        Optional<String> goalId();

        /** The owner's {@code sub} (label {@code User ID}). */
        Optional<String> userId();

        /** Label {@code Description}. */
        Optional<String> description();

        /** {@code active} or {@code completed} (label {@code Status}). */
        Optional<String> status();

        /** Label {@code Category}. */
        Optional<String> category();

        /** A date field (label {@code Target Date}). */
        Optional<String> targetDate();

        /** One line per milestone (label {@code Milestones}). */
        Optional<String> milestones();

        /** The goal version pushed (label {@code Goal Version}). */
        Optional<String> goalVersion();
    }
}
