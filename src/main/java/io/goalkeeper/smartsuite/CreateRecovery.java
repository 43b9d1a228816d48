package io.goalkeeper.smartsuite;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import io.goalkeeper.sync.ChangeFeed.Change;
import io.goalkeeper.sync.ChangeFeed.Pushed;
import io.goalkeeper.sync.ChangeFeed.Repoint;
import io.goalkeeper.sync.SyncTarget.PushResult;
import io.smallrye.mutiny.Uni;

/**
 * Finds the records of goals whose create may have been carried out without being recorded: before
 * creating goals whose create was sent by an earlier run, and after a create whose outcome is unknown.
 * A goal whose record is found is linked to it instead of getting a second one.
 */
@ApplicationScoped
class CreateRecovery {

    private static final Logger LOG = Logger.getLogger(CreateRecovery.class);

    private final SmartSuiteClient client;
    private final TableReconciler reconciler;

    CreateRecovery(SmartSuiteClient client, TableReconciler reconciler) {
        this.client = client;
        this.reconciler = reconciler;
    }

    /**
     * Links these goals to the records they already have. A record that holds the goal as it is counts
     * as pushed; one that differs is linked and pushed again; extra records of one goal are deleted.
     */
    Uni<PushResult> adopt(TableFields fields, List<Change> changes) {
        if (changes.isEmpty()) {
            return Uni.createFrom().item(PushResults.NONE);
        }
        return recordsOf(fields, changes.stream().map(c -> c.goal().id()).toList()).chain(byGoal -> {
            List<Pushed> pushed = new ArrayList<>();
            List<Repoint> linked = new ArrayList<>();
            List<String> duplicates = new ArrayList<>();
            for (Change c : changes) {
                List<JsonNode> records = byGoal.getOrDefault(c.goal().id(), List.of());
                if (records.isEmpty()) {
                    continue;
                }
                String id = records.get(0).path("id").asText();
                records.stream().skip(1).map(r -> r.path("id").asText()).forEach(duplicates::add);
                if (fields.matches(records.get(0), c.goal(), c.userId())) {
                    pushed.add(new Pushed(c.goal().id(), c.userId(), c.goal().version(), id));
                } else {
                    linked.add(new Repoint(c.goal().id(), c.userId(), id));
                }
            }
            if (!pushed.isEmpty() || !linked.isEmpty()) {
                LOG.infof("SmartSuite already had records for %d of %d goals whose create went unrecorded; linked them",
                        pushed.size() + linked.size(), changes.size());
            }
            PushResult result = new PushResult(pushed, List.of(), linked, List.of());
            return reconciler.deleteRecords(duplicates, "duplicate").replaceWith(result);
        });
    }

    /** The records these goals have in SmartSuite, by goal (one list call; a goal has one record, so 25 fit). */
    Uni<Map<UUID, List<JsonNode>>> recordsOf(TableFields fields, List<UUID> goals) {
        return client.list(fields.recordsOf(goals), 0, SmartSuiteClient.LIST_LIMIT)
                .map(page -> fields.byGoal(page.items()));
    }
}
