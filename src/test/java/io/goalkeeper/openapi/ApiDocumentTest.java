package io.goalkeeper.openapi;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.goalkeeper.support.DocumentedOperations;
import io.goalkeeper.support.DocumentedOperations.Operation;
import io.quarkus.test.junit.QuarkusTest;

/** What the served OpenAPI document says of itself and of every operation, beside what the tests observe. */
@QuarkusTest
class ApiDocumentTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theStoredDocumentIsTheServedOne() throws Exception {
        // The generated client, the linter and ApiDescriptionCoverageTest read the stored one.
        JsonNode stored = JSON.readTree(Path.of("target", "openapi", "openapi.json").toFile());
        assertThat(DocumentedOperations.document()).isEqualTo(stored);
    }

    @Test
    void everyOperationHasAChosenIdASummaryATagAndProblemsForItsErrors() {
        JsonNode document = DocumentedOperations.document();
        List<Operation> operations = DocumentedOperations.all();
        assertThat(operations).extracting(Operation::operationId).doesNotHaveDuplicates().contains("listGoals",
                "replaceGoals", "createGoal", "getGoal", "updateGoal", "deleteGoal", "completeGoal", "completeMilestone",
                "initializeMilestones", "triggerSync", "getSyncStatus", "listSyncRuns", "getSyncRun", "releaseSyncLock");
        for (Operation operation : operations) {
            JsonNode described = operation.description();
            assertThat(described.path("summary").asText()).as(operation.toString()).isNotBlank();
            assertThat(described.path("description").asText()).as(operation.toString()).isNotBlank();
            assertThat(described.path("tags")).as(operation.toString()).hasSize(1);
            described.path("responses").fields().forEachRemaining(response -> {
                if (response.getKey().startsWith("2")) {
                    return;
                }
                JsonNode answer = response.getValue().has("$ref")
                        ? document.at(response.getValue().get("$ref").asText().substring(1))
                        : response.getValue();
                assertThat(answer.path("content").path("application/problem+json").path("schema").path("$ref").asText())
                        .as(operation + " " + response.getKey()).isEqualTo("#/components/schemas/Problem");
            });
        }
    }

    @Test
    void theSyncOperationsNameTheRolesTheyNeed() {
        for (Operation operation : DocumentedOperations.all()) {
            JsonNode roles = operation.description().path("security").path(0).path("bearer");
            if (!operation.isSync()) {
                assertThat(operation.description().has("security")).as(operation + ": the document's bearer scheme").isFalse();
            } else if (operation.method().equals("GET")) {
                assertThat(roles).as(operation.toString()).extracting(JsonNode::asText).containsExactlyInAnyOrder("sync-viewer", "sync-admin");
            } else {
                assertThat(roles).as(operation.toString()).extracting(JsonNode::asText).containsExactly("sync-admin");
            }
        }
    }

    @Test
    void theDocumentNamesItsServerLicenseAndBearerScheme() {
        JsonNode document = DocumentedOperations.document();
        assertThat(document.path("servers").path(0).path("url").asText()).isEqualTo("/");
        assertThat(document.path("info").path("license").path("name").asText()).isNotBlank();
        assertThat(document.path("security").path(0).has("bearer")).isTrue();
        assertThat(document.path("components").path("securitySchemes").path("bearer").path("scheme").asText()).isEqualTo("bearer");
        JsonNode problem = document.path("components").path("schemas").path("Problem").path("properties");
        assertThat(List.of("errors", "conflicts", "lock")).allMatch(problem::has);
        given().get("/q/openapi").then().statusCode(200);
    }
}
