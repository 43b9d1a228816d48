package io.goalkeeper.planner;

import static io.goalkeeper.goals.MilestonePlanner.MAX_MILESTONES;
import static io.goalkeeper.goals.MilestonePlanner.MIN_MILESTONES;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import io.goalkeeper.goals.MilestoneInput;
import io.goalkeeper.goals.MilestonePlanner.PlannedMilestone;

/**
 * Reads a chat-completions answer as a client's input is read: only {@code {"milestones": [{"title",
 * "dueDate"}]}}, 3 to 7 of them, each valid as a milestone and due between today and the last day.
 * Anything else fails with {@link PlanningFailed}, whose message never quotes the goal's own words.
 */
@ApplicationScoped
class PlanAnswer {

    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final int REASON_LIMIT = 300;

    @Inject
    Validator validator;

    List<PlannedMilestone> read(Response response, LocalDate today, LocalDate lastDay) {
        int status = response.getStatus();
        String body = response.hasEntity() ? response.readEntity(String.class) : "";
        if (status == 429) {
            throw new PlanningFailed("rate-limited", "answered 429: " + cut(body));
        }
        if (status >= 500) {
            throw new PlanningFailed("server-error", "answered " + status + ": " + cut(body));
        }
        if (status < 200 || status >= 300) {
            throw new PlanningFailed("refused", "answered " + status + ": " + cut(body));
        }
        JsonNode choice = parse(body, "the answer").path("choices").path(0);
        JsonNode refusal = choice.path("message").path("refusal");
        if (!refusal.isMissingNode() && !refusal.isNull()) {
            // Only its size: a refusal may quote the goal's own words, which stay out of the log.
            throw new PlanningFailed("invalid", "the model refused (" + refusal.asText().length() + " characters)");
        }
        if ("length".equals(choice.path("finish_reason").asText())) {
            throw new PlanningFailed("invalid", "the answer was cut off at the token limit");
        }
        JsonNode content = choice.path("message").path("content");
        if (!content.isTextual()) {
            throw new PlanningFailed("invalid", "the answer has no message content");
        }
        return milestones(parse(content.asText(), "the message content"), today, lastDay);
    }

    /** The plan, checked as a client's milestones would be, plus the due-date window. */
    private List<PlannedMilestone> milestones(JsonNode plan, LocalDate today, LocalDate lastDay) {
        if (!plan.isObject() || plan.size() != 1 || !plan.path("milestones").isArray()) {
            throw new PlanningFailed("invalid", "expected an object with only \"milestones\", an array");
        }
        JsonNode items = plan.get("milestones");
        if (items.size() < MIN_MILESTONES || items.size() > MAX_MILESTONES) {
            throw new PlanningFailed("invalid", items.size() + " milestones; " + MIN_MILESTONES + " to " + MAX_MILESTONES
                    + " are needed");
        }
        List<PlannedMilestone> milestones = new ArrayList<>();
        for (JsonNode item : items) {
            int position = milestones.size() + 1;
            if (!item.isObject() || item.size() != 2 || !item.path("title").isTextual() || !item.path("dueDate").isTextual()) {
                throw new PlanningFailed("invalid", "milestone " + position + " is not {\"title\": string, \"dueDate\": string}");
            }
            LocalDate due = date(item.get("dueDate").asText(), position);
            MilestoneInput input = new MilestoneInput(null, item.get("title").asText().strip(), due, null);
            Set<ConstraintViolation<MilestoneInput>> violations = validator.validate(input);
            if (!violations.isEmpty()) {
                ConstraintViolation<MilestoneInput> violation = violations.iterator().next();
                throw new PlanningFailed("invalid", "milestone " + position + ": " + violation.getPropertyPath() + " "
                        + violation.getMessage());
            }
            if (due.isBefore(today) || due.isAfter(lastDay)) {
                throw new PlanningFailed("invalid", "milestone " + position + " is due " + due + ", outside " + today
                        + " to " + lastDay);
            }
            milestones.add(new PlannedMilestone(input.title(), due));
        }
        return List.copyOf(milestones);
    }

    private static LocalDate date(String text, int position) {
        try {
            if (!text.matches("\\d{4}-\\d{2}-\\d{2}")) {
                throw new DateTimeParseException("not YYYY-MM-DD", text, 0);
            }
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw new PlanningFailed("invalid", "milestone " + position + " has a dueDate that is not a date as YYYY-MM-DD");
        }
    }

    private static JsonNode parse(String text, String what) {
        try {
            return STRICT.readTree(text);
        } catch (JsonProcessingException e) {
            // Only its size is told: the text may echo the goal's own words, which stay out of the log.
            throw new PlanningFailed("invalid", what + " is not JSON (" + text.length() + " characters)");
        }
    }

    private static String cut(String text) {
        String flat = text.replaceAll("\\s+", " ").trim();
        return flat.length() > REASON_LIMIT ? flat.substring(0, REASON_LIMIT) + "…" : flat;
    }
}
