package io.goalkeeper.goals;

import java.util.List;
import java.util.UUID;
import java.time.LocalDate;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A goal as a client sends it. The server's own fields are accepted and ignored, so that a client can
 * send back what it read; {@code version} only counts in a bulk replace.
 */
@JsonIgnoreProperties({ "createdAt", "updatedAt", "completedAt", "plannedBy" })
public record GoalInput(
        UUID id,
        @NotNull @NotBlank @Size(max = 200) @Pattern(regexp = Text.SINGLE_LINE, message = Text.SINGLE_LINE_MESSAGE)
        @Pattern(regexp = Text.WELL_FORMED, message = Text.WELL_FORMED_MESSAGE) String title,
        @Size(max = 5000) @Pattern(regexp = Text.MULTI_LINE, message = Text.MULTI_LINE_MESSAGE)
        @Pattern(regexp = Text.WELL_FORMED, message = Text.WELL_FORMED_MESSAGE) String description,
        @Size(max = 100) @Pattern(regexp = Text.SINGLE_LINE, message = Text.SINGLE_LINE_MESSAGE)
        @Pattern(regexp = Text.WELL_FORMED, message = Text.WELL_FORMED_MESSAGE) String category,
        @CalendarDate LocalDate targetDate,
        @Pattern(regexp = "active|completed", message = "must be \"active\" or \"completed\"") String status,
        @Size(max = GoalRules.MAX_MILESTONES) List<@NotNull @Valid MilestoneInput> milestones,
        @Positive Long version) {
}
