package io.goalkeeper.smartsuite;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.goalkeeper.goals.Goal;
import io.goalkeeper.goals.Milestone;

/**
 * The slugs of the SmartSuite fields a goal is written to, and how a goal becomes a record: every
 * value as plain text but the target date, which is a date field.
 */
record TableFields(String title, String goalId, String userId, String description, String status, String category,
        String targetDate, String milestones, String goalVersion) {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** A field the table needs: its configuration key, its label, and where its configured slug is. */
    private record Field(String key, String label, Function<SmartSuiteConfig.Fields, Optional<String>> configured) {
    }

    private static final List<Field> FIELDS = List.of(
            new Field("title", "Title", SmartSuiteConfig.Fields::title),
            new Field("goal-id", "Goal ID", SmartSuiteConfig.Fields::goalId),
            new Field("user-id", "User ID", SmartSuiteConfig.Fields::userId),
            new Field("description", "Description", SmartSuiteConfig.Fields::description),
            new Field("status", "Status", SmartSuiteConfig.Fields::status),
            new Field("category", "Category", SmartSuiteConfig.Fields::category),
            new Field("target-date", "Target Date", SmartSuiteConfig.Fields::targetDate),
            new Field("milestones", "Milestones", SmartSuiteConfig.Fields::milestones),
            new Field("goal-version", "Goal Version", SmartSuiteConfig.Fields::goalVersion));

    /** All slugs from configuration, when every one is set there: then the schema is never read. */
    static Optional<TableFields> configured(SmartSuiteConfig.Fields configured) {
        List<String> slugs = new ArrayList<>();
        for (Field field : FIELDS) {
            Optional<String> slug = field.configured.apply(configured).filter(s -> !s.isBlank());
            if (slug.isEmpty()) {
                return Optional.empty();
            }
            slugs.add(slug.get());
        }
        return Optional.of(of(slugs));
    }

    /**
     * Slugs from configuration where set, otherwise found by label (case-insensitive) in the table's
     * schema; the title is the schema's primary field. Fails naming every field that is missing.
     */
    static TableFields resolve(JsonNode schema, SmartSuiteConfig.Fields configured, String table) {
        Map<String, String> byLabel = new LinkedHashMap<>();
        for (JsonNode field : schema.path("structure")) {
            byLabel.putIfAbsent(field.path("label").asText().trim().toLowerCase(Locale.ROOT), field.path("slug").asText());
        }
        String primary = schema.path("primary_field").asText("title");
        List<String> slugs = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (Field field : FIELDS) {
            Optional<String> slug = field.configured.apply(configured).filter(s -> !s.isBlank())
                    .or(() -> field.key.equals("title") ? Optional.of(primary)
                            : Optional.ofNullable(byLabel.get(field.label.toLowerCase(Locale.ROOT))));
            slug.ifPresentOrElse(slugs::add, () -> missing.add("'" + field.label + "' (or set goalkeeper.smartsuite.fields."
                    + field.key + ")"));
        }
        if (!missing.isEmpty()) {
            throw new SmartSuiteException(0, false, "SmartSuite table " + table + " has no field labelled "
                    + String.join(", ", missing));
        }
        return of(slugs);
    }

    private static TableFields of(List<String> s) {
        return new TableFields(s.get(0), s.get(1), s.get(2), s.get(3), s.get(4), s.get(5), s.get(6), s.get(7), s.get(8));
    }

    /** The record's fields for this goal, as sent in a create (an update adds the record's {@code id}). */
    ObjectNode render(Goal goal, String owner) {
        ObjectNode record = NODES.objectNode();
        record.put(title, goal.title());
        record.put(goalId, goal.id().toString());
        record.put(userId, owner);
        record.put(description, goal.description() == null ? "" : goal.description());
        record.put(status, goal.status());
        record.put(category, goal.category() == null ? "" : goal.category());
        if (goal.targetDate() == null) {
            record.putNull(targetDate);
        } else {
            ObjectNode date = record.putObject(targetDate);
            date.put("date", goal.targetDate() + "T00:00:00Z");
            date.put("include_time", false);
        }
        record.put(milestones, goal.milestones().stream()
                .map(TableFields::line)
                .collect(Collectors.joining("\n")));
        record.put(goalVersion, Long.toString(goal.version()));
        return record;
    }

    /** Whether the record holds what {@link #render} gives for this goal; SmartSuite leaves empty values out. */
    boolean matches(JsonNode record, Goal goal, String owner) {
        ObjectNode wanted = render(goal, owner);
        for (var field : (Iterable<Map.Entry<String, JsonNode>>) wanted::fields) {
            if (!comparable(field.getValue()).equals(comparable(record.path(field.getKey())))) {
                return false;
            }
        }
        return true;
    }

    /** The goal id a record names, if it names one. */
    Optional<UUID> goalIdOf(JsonNode record) {
        try {
            return Optional.of(UUID.fromString(record.path(goalId).asText().trim()));
        } catch (IllegalArgumentException notAGoal) {
            return Optional.empty();
        }
    }

    /** The records that name a goal, by that goal, each goal's in the order given; records naming none are left out. */
    Map<UUID, List<JsonNode>> byGoal(List<JsonNode> records) {
        Map<UUID, List<JsonNode>> byGoal = new LinkedHashMap<>();
        for (JsonNode record : records) {
            goalIdOf(record).ifPresent(goal -> byGoal.computeIfAbsent(goal, g -> new ArrayList<>()).add(record));
        }
        return byGoal;
    }

    /** SmartSuite's filter for the records of these goals. */
    ObjectNode recordsOf(List<UUID> goals) {
        ObjectNode filter = NODES.objectNode();
        filter.put("operator", "or");
        var fields = filter.putArray("fields");
        for (UUID goal : goals) {
            fields.addObject().put("field", goalId).put("comparison", "is").put("value", goal.toString());
        }
        return filter;
    }

    private static String line(Milestone milestone) {
        return (milestone.completed() ? "[x] " : "[ ] ") + milestone.title();
    }

    /** A value as text: dates by their day, missing and empty alike. */
    private static String comparable(JsonNode value) {
        if (value == null || value.isMissingNode() || value.isNull()) {
            return "";
        }
        if (value.isObject()) {
            String date = value.path("date").asText("");
            return date.length() >= 10 ? date.substring(0, 10) : date;
        }
        return value.asText();
    }
}
