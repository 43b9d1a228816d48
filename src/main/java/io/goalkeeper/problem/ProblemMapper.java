package io.goalkeeper.problem;

import java.io.IOException;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

import jakarta.inject.Inject;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import io.goalkeeper.database.DatabaseUnavailable;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

/**
 * The one place where failures become {@code application/problem+json} answers. Answers name the
 * field or the rule that failed, never a stack trace, an SQL text or another user's data; what the
 * client cannot act on is logged here with an id that the answer repeats.
 */
public class ProblemMapper {

    public static final String PROBLEM_JSON = "application/problem+json";
    private static final String TYPE_PREFIX = "urn:goalkeeper:problem:";
    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);
    private static final String RETRY_AFTER_SECONDS = "5";

    @Inject
    ObjectMapper objectMapper;

    @ServerExceptionMapper
    public RestResponse<String> problem(ProblemException e) {
        if (e instanceof TooManyRequests limited) {
            return answer(e.status(), e.type(), e.title(), e.getMessage(), e.members(), HttpHeaders.RETRY_AFTER,
                    Long.toString(limited.retryAfterSeconds()));
        }
        return answer(e.status(), e.type(), e.title(), e.getMessage(), e.members());
    }

    @ServerExceptionMapper
    public RestResponse<String> invalid(ConstraintViolationException e) {
        List<FieldError> errors = new ArrayList<>();
        for (ConstraintViolation<?> violation : e.getConstraintViolations()) {
            errors.add(new FieldError(fieldOf(violation.getPropertyPath()), violation.getMessage()));
        }
        errors.sort(Comparator.comparing(FieldError::field).thenComparing(FieldError::message));
        return problem(new InvalidInput(errors.size() == 1
                ? errors.get(0).field() + ": " + errors.get(0).message()
                : errors.size() + " fields are invalid", errors));
    }

    @ServerExceptionMapper
    public RestResponse<String> unknownField(UnrecognizedPropertyException e) {
        return problem(InvalidInput.of(pathOf(e), "unknown field"));
    }

    @ServerExceptionMapper
    public RestResponse<String> wrongType(MismatchedInputException e) {
        String expected = e.getTargetType() == null ? "another value" : describe(e.getTargetType());
        String message = e instanceof InvalidFormatException
                ? "not a valid " + expected
                : "expected " + expected;
        return problem(InvalidInput.of(pathOf(e), message));
    }

    @ServerExceptionMapper
    public RestResponse<String> malformed(JsonParseException e) {
        String where = e.getLocation() == null ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        return problem(new ProblemException(400, "malformed-json", "Malformed JSON",
                "The body is not valid JSON" + where));
    }

    @ServerExceptionMapper
    public RestResponse<String> unreadable(JsonProcessingException e) {
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            return problem(InvalidInput.of(pathOf(mapping), "not acceptable here"));
        }
        return problem(new ProblemException(400, "malformed-json", "Malformed JSON", "The body could not be read as JSON"));
    }

    @ServerExceptionMapper
    public RestResponse<String> http(WebApplicationException e) {
        // The JSON reader wraps some of Jackson's failures; answer them as Jackson's own.
        if (e.getCause() instanceof UnrecognizedPropertyException cause) {
            return unknownField(cause);
        }
        if (e.getCause() instanceof MismatchedInputException cause) {
            return wrongType(cause);
        }
        if (e.getCause() instanceof JsonParseException cause) {
            return malformed(cause);
        }
        if (e.getCause() instanceof JsonProcessingException cause) {
            return unreadable(cause);
        }
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            return unexpected(e);
        }
        String reason = Response.Status.fromStatusCode(status) == null ? "Client error"
                : Response.Status.fromStatusCode(status).getReasonPhrase();
        String detail = switch (status) {
            case 404 -> "No such resource";
            case 405 -> "This method is not allowed here";
            case 406 -> "Answers are application/json";
            case 413 -> "The body is larger than 1 MiB";
            case 415 -> "The body must be application/json";
            default -> reason;
        };
        String type = reason.toLowerCase().replace(' ', '-');
        return answer(status, type, reason, detail, Map.of());
    }

    @ServerExceptionMapper
    public RestResponse<String> unauthenticated(AuthenticationFailedException e) {
        return unauthorized("The bearer token is missing, malformed, expired or not signed by a trusted key");
    }

    @ServerExceptionMapper
    public RestResponse<String> unauthenticated(UnauthorizedException e) {
        return unauthorized("A bearer token is required");
    }

    @ServerExceptionMapper
    public RestResponse<String> forbidden(ForbiddenException e) {
        return answer(403, "forbidden", "Forbidden", "The token lacks the role this action needs", Map.of());
    }

    @ServerExceptionMapper
    public RestResponse<String> database(PgException e) {
        if (DatabaseUnavailable.isConnectionLoss(e)) {
            return unavailable(e);
        }
        String state = e.getSqlState() == null ? "" : e.getSqlState();
        if (state.equals("40001") || state.equals("40P01")) {
            return answer(409, "concurrent-update", "Concurrent update",
                    "Another request changed the same data at the same time; retry", Map.of());
        }
        if (state.equals("23505")) {
            return answer(409, "id-conflict", "Id already used", "An id in the request is already used by another goal", Map.of());
        }
        if (state.startsWith("22") || state.startsWith("23")) {
            LOG.warnf("Input rejected by the database (SQLSTATE %s): %s", state, e.getErrorMessage());
            return answer(400, "invalid-input", "Invalid input", "A value in the request is not acceptable", Map.of());
        }
        return unexpected(e);
    }

    @ServerExceptionMapper({ DatabaseUnavailable.class, ClosedConnectionException.class, TimeoutException.class })
    public RestResponse<String> unavailable(Throwable e) {
        LOG.warnf("Database unavailable: %s", e.getCause() != null && e instanceof DatabaseUnavailable ? e.getCause() : e);
        return answer(503, "database-unavailable", "Service unavailable", "The database cannot be reached; retry later",
                Map.of(), HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
    }

    /**
     * The last resort. Reads of the Sync API and health checks call the pool directly, so a lost
     * connection can still arrive here untyped: a connection-level failure that is not raw I/O (which
     * here may be the client's body, unlike a refused connect) is answered as one.
     */
    @ServerExceptionMapper
    public RestResponse<String> unexpected(Throwable e) {
        if ((!(e instanceof IOException) || e instanceof ConnectException) && DatabaseUnavailable.isConnectionLoss(e)) {
            return unavailable(e);
        }
        String incident = UUID.randomUUID().toString();
        LOG.errorf(e, "Unexpected failure, incident %s", incident);
        return answer(500, "internal-error", "Internal error",
                "The request failed on the server; the incident is logged as " + incident, Map.of("incident", incident));
    }

    private RestResponse<String> unauthorized(String detail) {
        return answer(401, "unauthorized", "Unauthorized", detail, Map.of(), HttpHeaders.WWW_AUTHENTICATE, "Bearer");
    }

    private RestResponse<String> answer(int status, String type, String title, String detail, Map<String, Object> members) {
        return answer(status, type, title, detail, members, null, null);
    }

    private RestResponse<String> answer(int status, String type, String title, String detail, Map<String, Object> members,
            String header, String headerValue) {
        if (status < 500) {
            LOG.debugf("Answered %d %s: %s", status, type, detail);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", TYPE_PREFIX + type);
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        body.putAll(members);
        try {
            RestResponse.ResponseBuilder<String> response = RestResponse.ResponseBuilder
                    .create(RestResponse.Status.fromStatusCode(status), objectMapper.writeValueAsString(body))
                    .type(PROBLEM_JSON);
            if (header != null) {
                response.header(header, headerValue);
            }
            return response.build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A problem body could not be written", e);
        }
    }

    /** The JSON path of a violation, without the method and body parameter: {@code [2].title}. */
    private static String fieldOf(Path path) {
        StringBuilder field = new StringBuilder();
        for (Path.Node node : path) {
            if (node.getKind() == ElementKind.METHOD
                    || (node.getKind() == ElementKind.PARAMETER && "body".equals(node.getName()))) {
                continue;
            }
            if (node.getIndex() != null) {
                field.append('[').append(node.getIndex()).append(']');
            }
            if (node.getName() != null && node.getKind() != ElementKind.CONTAINER_ELEMENT) {
                field.append(field.length() == 0 ? "" : ".").append(node.getName());
            }
        }
        return field.length() == 0 ? "body" : field.toString();
    }

    private static String pathOf(JsonMappingException e) {
        StringBuilder field = new StringBuilder();
        for (JsonMappingException.Reference reference : e.getPath()) {
            if (reference.getIndex() >= 0) {
                field.append('[').append(reference.getIndex()).append(']');
            } else if (reference.getFieldName() != null) {
                field.append(field.length() == 0 ? "" : ".").append(reference.getFieldName());
            }
        }
        return field.length() == 0 ? "body" : field.toString();
    }

    private static String describe(Class<?> type) {
        if (type == String.class) {
            return "string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "boolean";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
            return "integer";
        }
        if (type == UUID.class) {
            return "UUID";
        }
        if (type == java.time.LocalDate.class) {
            return "date (YYYY-MM-DD)";
        }
        if (List.class.isAssignableFrom(type) || type.isArray()) {
            return "array";
        }
        return "object";
    }
}
