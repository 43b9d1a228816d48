package io.goalkeeper.smartsuite;

import java.net.URI;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.rest.client.ext.ClientHeadersFactory;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.smallrye.mutiny.Uni;

/**
 * The one way into SmartSuite: adds the credentials, keeps all calls together under the rate limit,
 * waits out 429s, backs off from 502/503/504 and network errors, and turns any other answer into a
 * {@link SmartSuiteException} carrying SmartSuite's message, cut short. A bulk create is only retried
 * after a 429 (SmartSuite did nothing): after any other failure it may have created the records, and
 * the caller looks them up instead of sending it again.
 */
@ApplicationScoped
public class SmartSuiteClient {

    /** At most this many items per bulk call; SmartSuite answers 422 above it. */
    public static final int BULK_LIMIT = 25;
    /** At most this many records per list call. */
    public static final int LIST_LIMIT = 1000;

    private static final Logger LOG = Logger.getLogger(SmartSuiteClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final int MESSAGE_LIMIT = 300;

    @Inject
    SmartSuiteConfig config;

    @Inject
    MeterRegistry metrics;

    /** The earliest time (System.nanoTime) the next call may start; every call takes the next slot. */
    private final AtomicLong nextSlot = new AtomicLong(Long.MIN_VALUE);
    private volatile SmartSuiteApi api;

    /** The records of one list call, and the table's total. */
    public record Page(List<JsonNode> items, int total) {
    }

    private enum Operation {
        SCHEMA("schema", true), LIST("list", true), GET("get", true), BULK_CREATE("bulk create", false),
        BULK_UPDATE("bulk update", true), BULK_DELETE("bulk delete", true);

        final String label;
        final boolean idempotent;

        Operation(String label, boolean idempotent) {
            this.label = label;
            this.idempotent = idempotent;
        }

        String tag() {
            return name().toLowerCase().replace('_', '-');
        }
    }

    /** The table's schema: {@code structure} (fields with slug and label) and {@code primary_field}. */
    public Uni<JsonNode> schema() {
        return call(Operation.SCHEMA, () -> api().schema(table()));
    }

    /** One page of records matching {@code filter} (an empty object for all), in SmartSuite's order. */
    public Uni<Page> list(JsonNode filter, int offset, int limit) {
        ObjectNode query = NODES.objectNode();
        query.set("sort", NODES.arrayNode());
        query.set("filter", filter);
        return call(Operation.LIST, () -> api().list(table(), offset, limit, query))
                .map(answer -> new Page(elements(answer.path("items")), answer.path("total").asInt()));
    }

    /** Whether the record exists; a deleted record answers 404. */
    public Uni<Boolean> exists(String recordId) {
        return call(Operation.GET, () -> api().get(table(), recordId))
                .map(record -> true)
                .onFailure(SmartSuiteException.class).recoverWithUni(failure -> ((SmartSuiteException) failure).status() == 404
                        ? Uni.createFrom().item(false)
                        : Uni.createFrom().failure(failure));
    }

    /** Creates up to 25 records; the answer lists those created, each with its id. */
    public Uni<List<JsonNode>> bulkCreate(List<ObjectNode> records) {
        return call(Operation.BULK_CREATE, () -> api().bulkCreate(table(), items(records))).map(SmartSuiteClient::elements);
    }

    /** Updates up to 25 records (each with its {@code id}); records SmartSuite does not know are left out of the answer. */
    public Uni<List<JsonNode>> bulkUpdate(List<ObjectNode> records) {
        return call(Operation.BULK_UPDATE, () -> api().bulkUpdate(table(), items(records))).map(SmartSuiteClient::elements);
    }

    /** Deletes up to 25 records; the answer lists the ids deleted. */
    public Uni<List<String>> bulkDelete(List<String> recordIds) {
        ArrayNode ids = NODES.arrayNode();
        recordIds.forEach(ids::add);
        ObjectNode body = NODES.objectNode();
        body.set("items", ids);
        return call(Operation.BULK_DELETE, () -> api().bulkDelete(table(), "id", body))
                .map(answer -> elements(answer).stream().map(item -> item.path("id").asText()).toList());
    }

    private Uni<JsonNode> call(Operation operation, Supplier<Uni<Response>> request) {
        return attempt(operation, request, 1);
    }

    private Uni<JsonNode> attempt(Operation operation, Supplier<Uni<Response>> request, int attempt) {
        return slot()
                .chain(() -> request.get()
                        .ifNoItem().after(config.timeout()).failWith(() -> new SmartSuiteException(0, true,
                                "no answer within " + config.timeout().toSeconds() + " s")))
                .onItemOrFailure().transformToUni((response, failure) -> {
                    if (failure != null) {
                        count(operation, failure instanceof SmartSuiteException ? "timeout" : "network-error");
                        return retryOrFail(operation, request, attempt, 0, describe(failure));
                    }
                    int status = response.getStatus();
                    String body = response.hasEntity() ? response.readEntity(String.class) : "";
                    count(operation, Integer.toString(status));
                    if (status >= 200 && status < 300) {
                        return parse(operation, body);
                    }
                    if (status == 429) {
                        Duration wait = retryAfter(response.getHeaderString("Retry-After"));
                        pauseAll(wait);
                        LOG.warnf("SmartSuite answered 429 to %s (attempt %d of %d): every call waits %d s",
                                operation.label, attempt, config.maxAttempts(), wait.toSeconds());
                        return attempt < config.maxAttempts() ? attempt(operation, request, attempt + 1)
                                : Uni.createFrom().failure(new SmartSuiteException(429, false,
                                        "SmartSuite kept answering 429 Too Many Requests to " + operation.label + " after "
                                                + attempt + " attempts"));
                    }
                    if (status == 502 || status == 503 || status == 504) {
                        return retryOrFail(operation, request, attempt, status, "answered " + status + ": " + cut(body));
                    }
                    return Uni.createFrom().failure(refused(operation, status, body));
                });
    }

    private Uni<JsonNode> retryOrFail(Operation operation, Supplier<Uni<Response>> request, int attempt, int status,
            String problem) {
        if (!operation.idempotent || attempt >= config.maxAttempts()) {
            return Uni.createFrom().failure(new SmartSuiteException(status, true, "SmartSuite " + operation.label
                    + " failed after " + attempt + (attempt == 1 ? " attempt: " : " attempts: ") + problem));
        }
        Duration wait = backoff(attempt);
        LOG.warnf("SmartSuite %s failed (attempt %d of %d), retrying in %d ms: %s", operation.label, attempt,
                config.maxAttempts(), wait.toMillis(), problem);
        return Uni.createFrom().voidItem().onItem().delayIt().by(wait)
                .chain(() -> attempt(operation, request, attempt + 1));
    }

    private static SmartSuiteException refused(Operation operation, int status, String body) {
        String hint = status == 401 || status == 403
                ? " (check the API token and account id: GOALKEEPER_SMARTSUITE_API_TOKEN, GOALKEEPER_SMARTSUITE_ACCOUNT_ID)"
                : status == 404 && operation == Operation.SCHEMA ? " (check GOALKEEPER_SMARTSUITE_TABLE_ID)" : "";
        return new SmartSuiteException(status, false,
                "SmartSuite refused " + operation.label + " with " + status + hint + ": " + cut(body));
    }

    private static Uni<JsonNode> parse(Operation operation, String body) {
        try {
            return Uni.createFrom().item(body.isBlank() ? NODES.nullNode() : JSON.readTree(body));
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(new SmartSuiteException(200, true,
                    "SmartSuite's answer to " + operation.label + " is not JSON: " + cut(body)));
        }
    }

    private static final long MIN_TIMER_NANOS = 1_000_000;

    /** Waits for this call's turn: calls start at most {@code rate-limit} a second, all together. */
    private Uni<Void> slot() {
        long interval = (long) (1_000_000_000L / config.rateLimit());
        long now = System.nanoTime();
        long mine = nextSlot.updateAndGet(next -> Math.max(next, now) + interval) - interval;
        long wait = mine - now;
        // Timers take whole milliseconds and refuse a delay under one: such a wait is no wait.
        return wait < MIN_TIMER_NANOS ? Uni.createFrom().voidItem()
                : Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofNanos(wait));
    }

    /** After a 429 SmartSuite counts every call of the key, so every call waits, not only the one refused. */
    private void pauseAll(Duration wait) {
        long until = System.nanoTime() + wait.toNanos();
        nextSlot.updateAndGet(next -> Math.max(next, until));
    }

    private Duration retryAfter(String header) {
        if (header == null || header.isBlank()) {
            return config.rateLimitedWait();
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(header.trim())));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration until = Duration.between(ZonedDateTime.now(),
                        ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME));
                return until.isNegative() ? Duration.ZERO : until;
            } catch (DateTimeParseException notDate) {
                return config.rateLimitedWait();
            }
        }
    }

    /** How long to wait before attempt {@code attempt + 1}: exponential, capped, with jitter. */
    private Duration backoff(int attempt) {
        long base = Math.min(config.retryMaxBackoff().toMillis(),
                config.retryBackoff().toMillis() << Math.min(attempt - 1, 20));
        return Duration.ofMillis(Math.max(1, base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1)));
    }

    private void count(Operation operation, String status) {
        metrics.counter("goalkeeper.smartsuite.calls", "operation", operation.tag(), "status", status).increment();
    }

    private SmartSuiteApi api() {
        SmartSuiteApi built = api;
        if (built == null) {
            synchronized (this) {
                if (api == null) {
                    long timeout = config.timeout().toMillis();
                    api = QuarkusRestClientBuilder.newBuilder()
                            .baseUri(URI.create(config.baseUrl()))
                            .connectTimeout(timeout, TimeUnit.MILLISECONDS)
                            .readTimeout(timeout, TimeUnit.MILLISECONDS)
                            .disableDefaultMapper(true)
                            .clientHeadersFactory(new Credentials())
                            .build(SmartSuiteApi.class);
                }
                built = api;
            }
        }
        return built;
    }

    private String table() {
        return config.tableId().orElseThrow();
    }

    private static ObjectNode items(List<? extends JsonNode> items) {
        ArrayNode array = NODES.arrayNode();
        items.forEach(array::add);
        ObjectNode body = NODES.objectNode();
        body.set("items", array);
        return body;
    }

    private static List<JsonNode> elements(JsonNode array) {
        List<JsonNode> elements = new ArrayList<>();
        array.forEach(elements::add);
        return elements;
    }

    private static String describe(Throwable failure) {
        return failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    }

    private static String cut(String text) {
        String flat = text.replaceAll("\\s+", " ").trim();
        return flat.length() > MESSAGE_LIMIT ? flat.substring(0, MESSAGE_LIMIT) + "…" : flat;
    }

    /** SmartSuite's two headers on every call. */
    private final class Credentials implements ClientHeadersFactory {
        @Override
        public MultivaluedMap<String, String> update(MultivaluedMap<String, String> incoming,
                MultivaluedMap<String, String> outgoing) {
            MultivaluedMap<String, String> headers = new MultivaluedHashMap<>(outgoing);
            headers.putSingle("Authorization", "Token " + config.apiToken().orElseThrow());
            headers.putSingle("ACCOUNT-ID", config.accountId().orElseThrow());
            return headers;
        }
    }
}
