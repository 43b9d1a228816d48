package io.goalkeeper.smartsuite;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.rest.client.inject.RestClient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.smallrye.mutiny.Uni;

/**
 * SmartSuite's calls as the rest of the package needs them: what each one sends and what its answer
 * holds. How a call is made (its turn, its retries, its errors) is {@link SmartSuiteCalls}'s.
 */
@ApplicationScoped
public class SmartSuiteClient {

    /** At most this many items per bulk call; SmartSuite answers 422 above it. */
    public static final int BULK_LIMIT = 25;
    /** At most this many records per list call. */
    public static final int LIST_LIMIT = 1000;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Inject
    SmartSuiteConfig config;

    @Inject
    SmartSuiteCalls calls;

    @Inject
    @RestClient
    SmartSuiteApi api;

    /** The records of one list call, and the table's total. */
    public record Page(List<JsonNode> items, int total) {
    }

    /** The table's schema: {@code structure} (fields with slug and label) and {@code primary_field}. */
    public Uni<JsonNode> schema() {
        return calls.call(Operation.SCHEMA, () -> api.schema(table()));
    }

    /** One page of records matching {@code filter} (an empty object for all), in SmartSuite's order. */
    public Uni<Page> list(JsonNode filter, int offset, int limit) {
        ObjectNode query = NODES.objectNode();
        query.set("sort", NODES.arrayNode());
        query.set("filter", filter);
        return calls.call(Operation.LIST, () -> api.list(table(), offset, limit, query))
                .map(answer -> new Page(elements(answer.path("items")), answer.path("total").asInt()));
    }

    /** Whether the record exists; a deleted record answers 404. */
    public Uni<Boolean> exists(String recordId) {
        return calls.call(Operation.GET, () -> api.get(table(), recordId))
                .map(record -> true)
                .onFailure(failure -> failure instanceof SmartSuiteException s && s.status == 404).recoverWithItem(false);
    }

    /** Creates up to 25 records; the answer lists those created, each with its id. */
    public Uni<List<JsonNode>> bulkCreate(List<ObjectNode> records) {
        return calls.call(Operation.BULK_CREATE, () -> api.bulkCreate(table(), items(records))).map(SmartSuiteClient::elements);
    }

    /** Updates up to 25 records (each with its {@code id}); records SmartSuite does not know are left out of the answer. */
    public Uni<List<JsonNode>> bulkUpdate(List<ObjectNode> records) {
        return calls.call(Operation.BULK_UPDATE, () -> api.bulkUpdate(table(), items(records))).map(SmartSuiteClient::elements);
    }

    /** Deletes up to 25 records; the answer lists the ids deleted. */
    public Uni<List<String>> bulkDelete(List<String> recordIds) {
        ObjectNode ids = items(recordIds.stream().map(NODES::textNode).toList());
        return calls.call(Operation.BULK_DELETE, () -> api.bulkDelete(table(), "id", ids))
                .map(answer -> elements(answer).stream().map(item -> item.path("id").asText()).toList());
    }

    private String table() {
        return config.tableId().orElseThrow();
    }

    private static ObjectNode items(List<? extends JsonNode> items) {
        ArrayNode array = NODES.arrayNode();
        items.forEach(array::add);
        ObjectNode body = NODES.objectNode();
        body.set("items", array);
        return body;
    }

    private static List<JsonNode> elements(JsonNode array) {
        List<JsonNode> elements = new ArrayList<>();
        array.forEach(elements::add);
        return elements;
    }
}
