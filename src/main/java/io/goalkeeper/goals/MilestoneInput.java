package io.goalkeeper.goals;

import java.time.LocalDate;
import java.util.UUID;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** A milestone as a client sends it; {@code completedAt} is the server's and ignored. */
@JsonIgnoreProperties({ "completedAt" })
public record MilestoneInput(
        UUID id,
        @NotNull @NotBlank @Size(max = 200) @Pattern(regexp = Text.SINGLE_LINE, message = Text.SINGLE_LINE_MESSAGE)
        @Pattern(regexp = Text.WELL_FORMED, message = Text.WELL_FORMED_MESSAGE) String title,
        @CalendarDate LocalDate dueDate,
        Boolean completed) {
}
