package io.goalkeeper.smartsuite;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import io.goalkeeper.sync.ChangeFeed.Change;
import io.goalkeeper.sync.ChangeFeed.Pushed;
import io.goalkeeper.sync.ChangeFeed.Repoint;
import io.goalkeeper.sync.SyncTarget.PushResult;
import io.smallrye.mutiny.Uni;

/**
 * Sends goals of one kind as one bulk update or one bulk create, and reads the answer id by id. A bulk
 * create is sent once: when its outcome is unknown its records are looked up instead.
 */
@ApplicationScoped
class RecordWrites {

    private static final Logger LOG = Logger.getLogger(RecordWrites.class);

    @Inject
    SmartSuiteClient client;

    @Inject
    CreateRecovery recovery;

    /** Updates these goals when they have records, creates them when they have none. */
    Uni<PushResult> send(TableFields fields, List<Change> changes) {
        return changes.get(0).remoteId() != null ? update(fields, changes) : create(fields, changes);
    }

    private Uni<PushResult> update(TableFields fields, List<Change> changes) {
        return client.bulkUpdate(changes.stream().map(c -> fields.render(c.goal(), c.userId()).put("id", c.remoteId())).toList())
                .map(answer -> {
                    Set<String> updated = new HashSet<>();
                    answer.forEach(record -> updated.add(record.path("id").asText()));
                    List<Pushed> pushed = new ArrayList<>();
                    List<Repoint> gone = new ArrayList<>();
                    for (Change c : changes) {
                        if (updated.contains(c.remoteId())) {
                            pushed.add(new Pushed(c.goal().id(), c.userId(), c.goal().version(), c.remoteId()));
                        } else {
                            // SmartSuite drops ids it does not know: the record was most likely deleted, so the goal gets
                            // a new one, after a look for any record of it, in case the id was left out for another reason.
                            LOG.warnf("SmartSuite has no record %s for goal %s any more; it will be created again",
                                    c.remoteId(), c.goal().id());
                            gone.add(new Repoint(c.goal().id(), c.userId(), null, true));
                        }
                    }
                    return new PushResult(pushed, List.of(), gone, List.of());
                });
    }

    /** Links the goals whose create an earlier run sent to the records found, then creates the others. */
    private Uni<PushResult> create(TableFields fields, List<Change> changes) {
        return recovery.adopt(fields, changes.stream().filter(Change::createSent).toList()).chain(adopted -> {
            Set<UUID> linked = new HashSet<>(PushResults.linked(adopted));
            List<Change> fresh = changes.stream().filter(c -> !linked.contains(c.goal().id())).toList();
            return fresh.isEmpty() ? Uni.createFrom().item(adopted)
                    : createOnce(fields, fresh).map(created -> PushResults.merge(adopted, created));
        });
    }

    /**
     * Sends one bulk create. When it fails in a way that may have created the records anyway (a 5xx,
     * a reset, a timeout: SmartSuite may even still be working on it), the records are looked up; those
     * found are linked, the others stay pending as sent, and the next run looks for them again before
     * creating them, so a create that lands late makes no duplicate.
     */
    private Uni<PushResult> createOnce(TableFields fields, List<Change> fresh) {
        return client.bulkCreate(fresh.stream().map(c -> fields.render(c.goal(), c.userId())).toList())
                .map(answer -> created(fields, fresh, answer))
                .onFailure(e -> e instanceof SmartSuiteException s && s.maybeApplied)
                .recoverWithUni(failure -> {
                    LOG.warnf("SmartSuite bulk create of %d records failed and may have been carried out; looking them up: %s",
                            fresh.size(), failure.getMessage());
                    return recovery.adopt(fields, fresh).chain(recovered -> recovered.isEmpty()
                            ? Uni.createFrom().failure(failure)
                            : Uni.createFrom().item(recovered));
                });
    }

    /** Goals of the answer by the goal id each record names; goals missing from it stay pending. */
    private static PushResult created(TableFields fields, List<Change> sent, List<JsonNode> answer) {
        Map<UUID, String> ids = new LinkedHashMap<>();
        for (JsonNode record : answer) {
            fields.goalIdOf(record).ifPresent(goal -> ids.putIfAbsent(goal, record.path("id").asText()));
        }
        List<Pushed> pushed = new ArrayList<>();
        for (Change c : sent) {
            String id = ids.get(c.goal().id());
            if (id == null || id.isBlank()) {
                LOG.warnf("SmartSuite's answer to a bulk create left out goal %s; it stays pending", c.goal().id());
            } else {
                pushed.add(new Pushed(c.goal().id(), c.userId(), c.goal().version(), id));
            }
        }
        return new PushResult(pushed, List.of());
    }
}
