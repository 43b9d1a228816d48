package io.goalkeeper.goals;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.util.NameTransformer;

/**
 * A goal's JSON, written and read field by field. Goals are most of what the service writes (a list
 * is every goal of a user, each with its milestones), and the reflective bean writer spent more CPU on
 * them than the rest of a list request. Milestones are stored in the {@code milestones} column as the
 * API shows them, written and read back here too. The fields and their order are the API's:
 * {@link Goal} and {@link Milestone} name them.
 */
final class GoalJson extends JsonSerializer<Goal> {

    private static final JsonFactory JSON = new JsonFactory();

    private final boolean unwrapped;

    GoalJson() {
        this(false);
    }

    private GoalJson(boolean unwrapped) {
        this.unwrapped = unwrapped;
    }

    @Override
    public void serialize(Goal goal, JsonGenerator out, SerializerProvider provider) throws IOException {
        if (!unwrapped) {
            out.writeStartObject();
        }
        out.writeStringField("id", goal.id().toString());
        out.writeStringField("title", goal.title());
        out.writeStringField("description", goal.description());
        out.writeStringField("category", goal.category());
        writeDate(out, "targetDate", goal.targetDate());
        out.writeStringField("status", goal.status());
        writeInstant(out, "completedAt", goal.completedAt());
        out.writeFieldName("milestones");
        writeMilestones(out, goal.milestones());
        out.writeNumberField("version", goal.version());
        writeInstant(out, "createdAt", goal.createdAt());
        writeInstant(out, "updatedAt", goal.updatedAt());
        if (!unwrapped) {
            out.writeEndObject();
        }
    }

    /** For {@code @JsonUnwrapped} (the answer of "Initialize" adds {@code plannedBy} beside the goal's fields). */
    @Override
    public JsonSerializer<Goal> unwrappingSerializer(NameTransformer names) {
        return new GoalJson(true);
    }

    @Override
    public boolean isUnwrappingSerializer() {
        return unwrapped;
    }

    /** A goal as the API shows it, as the change log keeps it. */
    static String text(Goal goal) {
        StringWriter text = new StringWriter();
        try (JsonGenerator out = JSON.createGenerator(text)) {
            new GoalJson().serialize(goal, out, null);
        } catch (IOException e) {
            throw new UncheckedIOException("A string cannot fail to be written", e);
        }
        return text.toString();
    }

    /** Milestones as the {@code milestones} column stores them: a JSON array, as the API shows it. */
    static String milestonesText(List<Milestone> milestones) {
        StringWriter text = new StringWriter();
        try (JsonGenerator out = JSON.createGenerator(text)) {
            writeMilestones(out, milestones);
        } catch (IOException e) {
            throw new UncheckedIOException("A string cannot fail to be written", e);
        }
        return text.toString();
    }

    /** Milestones from the {@code milestones} column's text. */
    static List<Milestone> milestonesOf(String text) {
        try (JsonParser in = JSON.createParser(text)) {
            return readMilestones(in);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("Stored milestones are not the JSON the service writes: " + e.getMessage(), e);
        }
    }

    private static void writeMilestones(JsonGenerator out, List<Milestone> milestones) throws IOException {
        out.writeStartArray();
        for (Milestone milestone : milestones) {
            writeMilestone(out, milestone);
        }
        out.writeEndArray();
    }

    /** A milestone as the API shows it. */
    private static void writeMilestone(JsonGenerator out, Milestone milestone) throws IOException {
        out.writeStartObject();
        out.writeStringField("id", milestone.id().toString());
        out.writeStringField("title", milestone.title());
        writeDate(out, "dueDate", milestone.dueDate());
        out.writeBooleanField("completed", milestone.completed());
        writeInstant(out, "completedAt", milestone.completedAt());
        out.writeEndObject();
    }

    /** An unknown member means the column holds something the service did not write. */
    private static List<Milestone> readMilestones(JsonParser in) throws IOException {
        List<Milestone> milestones = new ArrayList<>();
        expect(in.nextToken(), JsonToken.START_ARRAY);
        while (in.nextToken() == JsonToken.START_OBJECT) {
            UUID id = null;
            String title = null;
            LocalDate dueDate = null;
            boolean completed = false;
            Instant completedAt = null;
            while (in.nextToken() == JsonToken.FIELD_NAME) {
                String name = in.currentName();
                JsonToken value = in.nextToken();
                String text = value == JsonToken.VALUE_NULL ? null : in.getText();
                switch (name) {
                    case "id" -> id = UUID.fromString(text);
                    case "title" -> title = text;
                    case "dueDate" -> dueDate = text == null ? null : LocalDate.parse(text);
                    case "completed" -> completed = in.getBooleanValue();
                    case "completedAt" -> completedAt = text == null ? null : Instant.parse(text);
                    default -> throw new IOException("unknown milestone member " + name);
                }
            }
            milestones.add(new Milestone(id, title, dueDate, completed, completedAt));
        }
        return List.copyOf(milestones);
    }

    private static void expect(JsonToken actual, JsonToken expected) throws IOException {
        if (actual != expected) {
            throw new IOException("expected " + expected + ", found " + actual);
        }
    }

    private static void writeDate(JsonGenerator out, String name, LocalDate date) throws IOException {
        out.writeStringField(name, date == null ? null : date.toString());
    }

    private static void writeInstant(JsonGenerator out, String name, Instant instant) throws IOException {
        out.writeStringField(name, instant == null ? null : instant.toString());
    }
}
