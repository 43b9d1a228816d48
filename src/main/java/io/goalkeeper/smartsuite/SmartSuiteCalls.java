package io.goalkeeper.smartsuite;

import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;

import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * How every SmartSuite call is made: it waits for its turn at the {@link SmartSuiteGate}, is tried again
 * after a 429 (once the gate's pause is over) and, with back-off and jitter, after a 502, 503, 504 or
 * network error; any other answer becomes a {@link SmartSuiteException} carrying SmartSuite's message,
 * cut short. A bulk create is only tried again after a 429 (SmartSuite did nothing): after any other
 * failure it may have created the records, and the caller looks them up instead.
 */
@ApplicationScoped
class SmartSuiteCalls {

    private static final Logger LOG = Logger.getLogger(SmartSuiteCalls.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MESSAGE_LIMIT = 300;
    private static final double JITTER = 0.5;

    @Inject
    SmartSuiteConfig config;

    @Inject
    SmartSuiteGate gate;

    @Inject
    MeterRegistry metrics;

    /** An attempt SmartSuite refused with 429: tried again once the gate lets calls through. */
    private static final class RateLimited extends RuntimeException {
        RateLimited() {
            super(null, null, false, false);
        }
    }

    /** An attempt that met a 502, 503, 504 or network error: tried again after a back-off. */
    private static final class Transient extends RuntimeException {
        Transient() {
            super(null, null, false, false);
        }
    }

    /** Up to {@code max-attempts} attempts, 429s included; the last one's failure is the call's. */
    Uni<JsonNode> call(Operation operation, Supplier<Uni<Response>> request) {
        AtomicInteger attempts = new AtomicInteger();
        return Uni.createFrom().deferred(() -> attempt(operation, request, attempts.incrementAndGet()))
                .onFailure(RateLimited.class).retry().atMost(config.maxAttempts())
                .onFailure(Transient.class).retry()
                .withBackOff(config.retryBackoff(), config.retryMaxBackoff()).withJitter(JITTER)
                .atMost(config.maxAttempts());
    }

    private Uni<JsonNode> attempt(Operation operation, Supplier<Uni<Response>> request, int attempt) {
        return gate.turn()
                .chain(() -> request.get().ifNoItem().after(config.timeout()).fail())
                .onFailure().transform(failure -> {
                    boolean timedOut = timedOut(failure);
                    count(operation, timedOut ? "timeout" : "network-error");
                    return retryOrFail(operation, attempt, 0, timedOut
                            ? "no answer within " + config.timeout().toSeconds() + " s" : describe(failure));
                })
                .chain(response -> answer(operation, attempt, response));
    }

    private Uni<JsonNode> answer(Operation operation, int attempt, Response response) {
        int status = response.getStatus();
        String body = response.hasEntity() ? response.readEntity(String.class) : "";
        count(operation, Integer.toString(status));
        if (status >= 200 && status < 300) {
            return parse(operation, body);
        }
        if (status == 429) {
            long wait = gate.pauseAfter429(response.getHeaderString("Retry-After")).toSeconds();
            LOG.warnf("SmartSuite answered 429 to %s (attempt %d of %d): every call waits %d s", operation.label,
                    attempt, config.maxAttempts(), wait);
            return Uni.createFrom().failure(attempt < config.maxAttempts() ? new RateLimited()
                    : new SmartSuiteException(429, false, "SmartSuite kept answering 429 Too Many Requests to "
                            + operation.label + " after " + attempt + " attempts"));
        }
        if (status == 502 || status == 503 || status == 504) {
            return Uni.createFrom().failure(retryOrFail(operation, attempt, status, "answered " + status + ": " + cut(body)));
        }
        return Uni.createFrom().failure(refused(operation, status, body));
    }

    /** A failure that may have been carried out anyway: tried again when harmless and attempts are left. */
    private RuntimeException retryOrFail(Operation operation, int attempt, int status, String problem) {
        if (!operation.idempotent || attempt >= config.maxAttempts()) {
            return new SmartSuiteException(status, true, "SmartSuite " + operation.label + " failed after " + attempt
                    + (attempt == 1 ? " attempt: " : " attempts: ") + problem);
        }
        LOG.warnf("SmartSuite %s failed (attempt %d of %d), retrying after a back-off: %s", operation.label, attempt,
                config.maxAttempts(), problem);
        return new Transient();
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
            return Uni.createFrom().item(body.isBlank() ? NullNode.getInstance() : JSON.readTree(body));
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(new SmartSuiteException(200, true,
                    "SmartSuite's answer to " + operation.label + " is not JSON: " + cut(body)));
        }
    }

    /** Our own timeout (Mutiny's) or the HTTP client's (a {@link TimeoutException}, maybe wrapped). */
    private static boolean timedOut(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof TimeoutException || cause instanceof io.smallrye.mutiny.TimeoutException) {
                return true;
            }
        }
        return false;
    }

    private void count(Operation operation, String status) {
        metrics.counter("goalkeeper.smartsuite.calls", "operation", operation.tag(), "status", status).increment();
    }

    private static String describe(Throwable failure) {
        return failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    }

    private static String cut(String text) {
        String flat = text.replaceAll("\\s+", " ").trim();
        return flat.length() > MESSAGE_LIMIT ? flat.substring(0, MESSAGE_LIMIT) + "…" : flat;
    }
}
