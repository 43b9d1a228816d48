package io.goalkeeper.security;

import java.io.IOException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.goalkeeper.security.Exchange.Answer;
import io.goalkeeper.security.Exchange.Request;

/**
 * What every answer must be, whatever was asked: never a server error; a client error is a complete
 * problem+json; nothing of the other user's goals comes back; the other user's goals are never
 * reached; a token without the sync roles gets no sync answer.
 */
final class AnswerChecks {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String SYNC_PATHS = "/api/v1/sync";

    /** Lower-cased text of the other user's goals, each with what it is. */
    private final Map<String, String> othersText = new LinkedHashMap<>();
    private final Map<String, String> othersIds = new LinkedHashMap<>();
    private final Set<String> othersGoalIds = new HashSet<>();
    /** The other user's ids that the fuzzing user made its own, such as a milestone id reused in its goal. */
    private final Set<String> adopted = new HashSet<>();

    AnswerChecks(JsonNode othersGoals) {
        for (JsonNode goal : othersGoals) {
            othersGoalIds.add(goal.get("id").asText().toLowerCase(Locale.ROOT));
            othersIds.put(goal.get("id").asText().toLowerCase(Locale.ROOT), "the other user's goal id");
            othersText.put(goal.get("title").asText().toLowerCase(Locale.ROOT), "the other user's goal title");
            othersText.put(goal.get("description").asText().toLowerCase(Locale.ROOT), "the other user's goal description");
            for (JsonNode milestone : goal.get("milestones")) {
                othersIds.put(milestone.get("id").asText().toLowerCase(Locale.ROOT), "the other user's milestone id");
                othersText.put(milestone.get("title").asText().toLowerCase(Locale.ROOT), "the other user's milestone title");
            }
        }
    }

    private static final int MAX_INITIAL_LINE_LENGTH = 4096;

    void check(Exchange exchange, Findings findings) {
        Request request = exchange.request();
        Answer answer = exchange.answer();
        if (answer.failure() != null) {
            findings.add("no answer", answer.failure(), "", exchange);
            return;
        }
        if (answer.status() >= 500) {
            findings.add("server error", "", "status " + answer.status(), exchange);
        } else if (answer.status() >= 400 && !refusedByTheHttpCodec(request, answer)) {
            String problem = problemDefect(answer);
            if (problem != null) {
                findings.add("client error that is not a complete problem+json", problem, "", exchange);
            }
        }
        if (answer.status() == 401 && !String.valueOf(answer.header("WWW-Authenticate")).startsWith("Bearer")) {
            findings.add("401 without WWW-Authenticate: Bearer", "", "WWW-Authenticate: " + answer.header("WWW-Authenticate"),
                    exchange);
        }
        if (answer.status() == 429 && !String.valueOf(answer.header("Retry-After")).matches("\\d+")) {
            findings.add("429 without Retry-After in seconds", "", "Retry-After: " + answer.header("Retry-After"), exchange);
        }
        String[] leak = leak(request, answer);
        if (leak != null) {
            findings.add("answer carries the other user's data", leak[0], leak[1], exchange);
        }
        String path = request.path().toLowerCase(Locale.ROOT);
        if (answer.successful() && othersGoalIds.stream().anyMatch(path::contains)) {
            findings.add("the other user's goal was reached", "", "a " + answer.status() + " for a path naming it", exchange);
        }
        Set<String> roles = request.credential().roles();
        if (answer.successful() && roles != null && request.path().startsWith(SYNC_PATHS)
                && !roles.contains(Credentials.ADMIN) && !(roles.contains(Credentials.VIEWER) && request.method().equals("GET"))) {
            findings.add("a sync answer for a token without the role", "roles " + roles, "", exchange);
        }
    }

    /** Remembers the other user's ids that the fuzzing user stored in its own goals: they are its data now. */
    void learn(Exchange exchange, String owner) {
        if (!exchange.answer().successful() || !owner.equals(exchange.request().credential().subject())) {
            return;
        }
        String sent = exchange.request().lowerCaseText();
        String answer = exchange.answer().body().toLowerCase(Locale.ROOT);
        othersIds.keySet().stream().filter(id -> sent.contains(id) && answer.contains(id)).forEach(adopted::add);
    }

    /**
     * The one error no route sees: Vert.x's HTTP decoder answers a request line longer than its limit
     * ({@code quarkus.http.limits.max-initial-line-length}, 4,096 bytes) with an empty 414 before any
     * handler of the service runs (README, Security). Only that case is let through here: a 414 to a
     * shorter request line is a defect like any other.
     */
    private static boolean refusedByTheHttpCodec(Request request, Answer answer) {
        int requestLine = request.method().length() + 1 + request.target().length() + " HTTP/1.1".length();
        return answer.status() == 414 && requestLine > MAX_INITIAL_LINE_LENGTH && answer.body().isEmpty();
    }

    /** Null when the answer is a problem+json with type, title, detail and the HTTP status, else what is missing. */
    private static String problemDefect(Answer answer) {
        String contentType = answer.header("Content-Type");
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/problem+json")) {
            return "Content-Type is " + contentType;
        }
        JsonNode problem;
        try {
            problem = MAPPER.readTree(answer.body());
        } catch (IOException e) {
            return "the body is not JSON";
        }
        if (problem == null || !problem.isObject()) {
            return "the body is not a JSON object";
        }
        for (String member : List.of("type", "title", "detail")) {
            if (!problem.path(member).isTextual() || problem.path(member).asText().isBlank()) {
                return "no " + member;
            }
        }
        if (!problem.path("status").isInt() || problem.path("status").asInt() != answer.status()) {
            return "status member " + problem.path("status") + " for HTTP status " + answer.status();
        }
        if (answer.body().contains("Exception") || answer.body().contains("\tat ")) {
            return "the body shows a stack trace or an exception";
        }
        return null;
    }

    /**
     * What of the other user's goals the answer shows, beyond ids the request itself named: what kind
     * of data, and the data; null if nothing.
     */
    private String[] leak(Request request, Answer answer) {
        StringBuilder shown = new StringBuilder(answer.body());
        answer.headers().forEach((name, values) -> shown.append('\n').append(String.join("\n", values)));
        String text = shown.toString().toLowerCase(Locale.ROOT);
        for (Map.Entry<String, String> secret : othersText.entrySet()) {
            if (text.contains(secret.getKey())) {
                return new String[] { secret.getValue(), "\"" + secret.getKey() + "\"" };
            }
        }
        String sent = null;
        for (Map.Entry<String, String> id : othersIds.entrySet()) {
            if (text.contains(id.getKey()) && !adopted.contains(id.getKey())) {
                sent = sent == null ? request.lowerCaseText() : sent;
                if (!sent.contains(id.getKey())) {
                    return new String[] { id.getValue(), id.getKey() + ", which the request did not name" };
                }
            }
        }
        return null;
    }
}
