package io.goalkeeper.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.goalkeeper.client.api.GoalsApi;
import io.goalkeeper.client.model.Goal;
import io.goalkeeper.client.model.GoalInput;
import io.goalkeeper.client.model.MilestoneInput;
import io.goalkeeper.client.model.PlannedGoal;
import io.goalkeeper.client.model.Problem;
import io.goalkeeper.support.PostgresForProcesses;
import io.goalkeeper.support.ServiceProcess;
import io.goalkeeper.support.Tokens;

/**
 * The main flows through the Java client that openapi-generator made from the document this build
 * stored (see the pom): what a team that generates its client gets. Every call, header and problem
 * below goes through generated code; the test only supplies the base URI and the bearer token.
 */
class GeneratedClientIT {

    private static PostgresForProcesses postgres;
    private static ServiceProcess service;

    private GoalsApi goals;

    @BeforeAll
    static void start() throws Exception {
        postgres = PostgresForProcesses.start("goalkeeper_client");
        Map<String, String> environment = new HashMap<>(postgres.environment());
        environment.put("MP_JWT_VERIFY_PUBLICKEY_LOCATION", Path.of("dev/jwt/public.pem").toAbsolutePath().toString());
        service = ServiceProcess.start(environment).awaitReady(Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() throws Exception {
        if (service != null) {
            service.close();
        }
        if (postgres != null) {
            postgres.stop();
        }
    }

    @BeforeEach
    void clientOfAFreshUser() {
        String token = Tokens.forUser(Tokens.newUser());
        ApiClient client = new ApiClient();
        client.updateBaseUri(service.baseUri());
        client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + token));
        goals = new GoalsApi(client);
    }

    @Test
    void createListAndReplaceAllWithIfMatch() throws Exception {
        ApiResponse<Goal> created = goals.createGoalWithHttpInfo(new GoalInput().title("Run a marathon")
                .targetDate(LocalDate.of(2027, 5, 1))
                .addMilestonesItem(new MilestoneInput().title("Run 10k")));
        assertThat(created.getStatusCode()).isEqualTo(201);
        assertThat(created.getHeaders().get("Location")).singleElement().asString()
                .endsWith("/api/v1/goals/" + created.getData().getId());
        assertThat(created.getHeaders().get("ETag")).containsExactly("\"1\"");
        assertThat(created.getData().getMilestones()).singleElement().satisfies(m -> assertThat(m.getTitle()).isEqualTo("Run 10k"));

        ApiResponse<List<Goal>> listed = goals.listGoalsWithHttpInfo();
        String etag = listed.getHeaders().get("ETag").get(0);
        assertThat(listed.getData()).extracting(Goal::getId).containsExactly(created.getData().getId());

        ApiResponse<List<Goal>> replaced = goals.replaceGoalsWithHttpInfo(
                List.of(new GoalInput().title("Learn Spanish"), new GoalInput().title("Read 12 books")), etag);
        assertThat(replaced.getStatusCode()).isEqualTo(200);
        assertThat(replaced.getData()).extracting(Goal::getTitle).containsExactly("Learn Spanish", "Read 12 books");
        assertThat(replaced.getHeaders().get("ETag")).doesNotContain(etag);

        ApiException stale = catchThrowableOfType(ApiException.class,
                () -> goals.replaceGoals(List.of(new GoalInput().title("Lost update")), etag));
        assertThat(stale.getCode()).isEqualTo(412);
        Problem problem = problemOf(stale);
        assertThat(problem.getStatus()).isEqualTo(412);
        assertThat(problem.getCurrentEtag()).isEqualTo(replaced.getHeaders().get("ETag").get(0));
        assertThat(goals.listGoals()).extracting(Goal::getTitle).containsExactly("Learn Spanish", "Read 12 books");
    }

    @Test
    void completeInitializeAndAConflictReadAsAProblem() throws Exception {
        Goal goal = goals.createGoal(new GoalInput().title("Run a marathon").targetDate(LocalDate.now().plusMonths(6)));

        PlannedGoal planned = goals.initializeMilestones(goal.getId(), null, null);
        assertThat(planned.getPlannedBy()).isEqualTo("builtin");
        assertThat(planned.getMilestones()).hasSizeGreaterThanOrEqualTo(3);

        ApiException conflict = catchThrowableOfType(ApiException.class,
                () -> goals.initializeMilestones(goal.getId(), false, null));
        assertThat(conflict.getCode()).isEqualTo(409);
        Problem problem = problemOf(conflict);
        assertThat(problem.getType()).hasToString("urn:goalkeeper:problem:milestones-present");
        assertThat(problem.getDetail()).isNotBlank();

        Goal milestoneDone = goals.completeMilestone(goal.getId(), planned.getMilestones().get(0).getId(),
                "\"" + planned.getVersion() + "\"");
        assertThat(milestoneDone.getMilestones().get(0).getCompleted()).isTrue();

        Goal completed = goals.completeGoal(goal.getId(), null);
        assertThat(completed.getStatus()).isEqualTo("completed");
        assertThat(completed.getCompletedAt()).isNotNull();
        assertThat(goals.completeGoal(goal.getId(), null).getVersion()).as("completing again changes nothing")
                .isEqualTo(completed.getVersion());
    }

    /** The problem body of a failed call, read with the generated client's own mapper and model. */
    private static Problem problemOf(ApiException failure) throws IOException {
        assertThat(failure.getResponseHeaders().firstValue("Content-Type")).hasValue("application/problem+json");
        return ApiClient.createDefaultObjectMapper().readValue(failure.getResponseBody(), Problem.class);
    }
}
