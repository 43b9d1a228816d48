package io.goalkeeper.smartsuite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.goalkeeper.goals.Goal;
import io.goalkeeper.goals.Milestone;

class TableFieldsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Nothing configured: every slug comes from the schema. */
    private static final SmartSuiteConfig.Fields NONE = new SmartSuiteConfig.Fields() {
        public Optional<String> title() { return Optional.empty(); }
        public Optional<String> goalId() { return Optional.empty(); }
        public Optional<String> userId() { return Optional.empty(); }
        public Optional<String> description() { return Optional.empty(); }
        public Optional<String> status() { return Optional.empty(); }
        public Optional<String> category() { return Optional.empty(); }
        public Optional<String> targetDate() { return Optional.empty(); }
        public Optional<String> milestones() { return Optional.empty(); }
        public Optional<String> goalVersion() { return Optional.empty(); }
    };

    @Test
    void labelsAreMatchedWithoutRegardToCaseAndEveryMissingOneIsNamed() throws Exception {
        JsonNode schema = JSON.readTree("""
                {"primary_field": "title", "structure": [
                  {"slug": "title", "label": "Title"}, {"slug": "s1", "label": "goal id"}, {"slug": "s2", "label": "USER ID"},
                  {"slug": "s3", "label": "Description"}, {"slug": "s4", "label": "Status"}, {"slug": "s5", "label": "Category"},
                  {"slug": "s6", "label": "Target Date"}]}""");

        assertThatThrownBy(() -> TableFields.resolve(schema, NONE, "t1"))
                .isInstanceOf(SmartSuiteException.class)
                .hasMessageContaining("SmartSuite table t1 has no field labelled 'Milestones'")
                .hasMessageContaining("'Goal Version' (or set goalkeeper.smartsuite.fields.goal-version)");
    }

    @Test
    void aRenderedGoalMatchesItselfAsSmartSuiteListsIt() throws Exception {
        TableFields fields = new TableFields("title", "g", "u", "d", "s", "c", "t", "m", "v");
        Goal goal = new Goal(UUID.randomUUID(), "Run", null, "health", LocalDate.of(2027, 5, 1), "active", null,
                List.of(new Milestone(UUID.randomUUID(), "10k", null, true, null), new Milestone(UUID.randomUUID(), "21k", null, false, null)),
                3, null, null);
        JsonNode rendered = fields.render(goal, "user-1");

        assertThat(rendered.path("m").asText()).isEqualTo("[x] 10k\n[ ] 21k");
        assertThat(rendered.path("t").path("date").asText()).isEqualTo("2027-05-01T00:00:00Z");
        // SmartSuite leaves empty values out of what it lists.
        JsonNode listed = JSON.readTree(JSON.writeValueAsString(rendered).replace("\"d\":\"\",", ""));
        assertThat(fields.matches(listed, goal, "user-1")).isTrue();
        assertThat(fields.matches(listed, goal, "user-2")).isFalse();
    }
}
