package io.goalkeeper.goals;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;

/** How a goal is read from a {@code goals} row, for the Goals API and the sync alike. */
public final class GoalRows {

    private GoalRows() {
    }

    /** A goal from a row with the columns of the {@code goals} table. */
    public static Goal goal(Row row) {
        return new Goal(row.getUUID("id"), row.getString("title"), row.getString("description"),
                row.getString("category"), row.getLocalDate("target_date"), row.getString("status"),
                instant(row, "completed_at"), milestones((JsonArray) row.getValue("milestones")),
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

    private static List<Milestone> milestones(JsonArray array) {
        List<Milestone> milestones = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            JsonObject m = array.getJsonObject(i);
            String dueDate = m.getString("dueDate");
            String completedAt = m.getString("completedAt");
            milestones.add(new Milestone(UUID.fromString(m.getString("id")), m.getString("title"),
                    dueDate == null ? null : LocalDate.parse(dueDate), m.getBoolean("completed"),
                    completedAt == null ? null : Instant.parse(completedAt)));
        }
        return List.copyOf(milestones);
    }

    private static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }
}
