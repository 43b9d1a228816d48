package io.goalkeeper.goals;

import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;

/**
 * How a goal is read from a {@code goals} row, for the Goals API and the sync alike. Statements select
 * the milestones as text ({@code milestones::text}), read here straight into records ({@link GoalJson}):
 * the driver's own decoding of {@code jsonb} builds a tree of maps first, with the request reader's
 * strict checks, and cost more than the rest of a list.
 */
public final class GoalRows {

    private static final JsonFactory JSON = new JsonFactory();

    private GoalRows() {
    }

    /** A goal from a row with the columns of the {@code goals} table. */
    public static Goal goal(Row row) {
        return new Goal(row.getUUID("id"), row.getString("title"), row.getString("description"),
                row.getString("category"), row.getLocalDate("target_date"), row.getString("status"),
                instant(row, "completed_at"), milestones(row.getString("milestones")),
                row.getLong("version"), instant(row, "created_at"), instant(row, "updated_at"));
    }

    static JsonArray milestonesJson(List<Milestone> milestones) {
        JsonArray array = new JsonArray();
        for (Milestone m : milestones) {
            array.add(new JsonObject()
                    .put("id", m.id().toString())
                    .put("title", m.title())
                    .put("dueDate", m.dueDate() == null ? null : m.dueDate().toString())
                    .put("completed", m.completed())
                    .put("completedAt", m.completedAt() == null ? null : m.completedAt().toString()));
        }
        return array;
    }

    private static List<Milestone> milestones(String json) {
        try (JsonParser in = JSON.createParser(json)) {
            return GoalJson.readMilestones(in);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("Stored milestones are not the JSON the service writes: " + e.getMessage(), e);
        }
    }

    private static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }
}
