package io.goalkeeper.security;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The operations the service describes in its OpenAPI document, with every {@code $ref} resolved, so
 * that an endpoint added later is exercised without touching the test.
 */
final class ApiDescription {

    private static final List<String> METHODS = List.of("get", "put", "post", "delete", "patch");
    private static final int MAX_REF_DEPTH = 10;

    /** A parameter: {@code in} is path, query or header. */
    record Parameter(String name, String in, JsonNode schema) {
    }

    /** One operation; {@code body} is the request body's JSON schema, or null when it takes none. */
    record Operation(String method, String path, List<Parameter> parameters, JsonNode body) {

        List<Parameter> in(String where) {
            return parameters.stream().filter(p -> p.in().equals(where)).toList();
        }

        /** The operation as a reader would name it: {@code POST /api/v1/goals/{id}/complete}. */
        String name() {
            return method + " " + path;
        }
    }

    private ApiDescription() {
    }

    static List<Operation> operations(JsonNode document) {
        JsonNode schemas = document.path("components").path("schemas");
        List<Operation> operations = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields(); paths.hasNext();) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (String method : METHODS) {
                JsonNode operation = path.getValue().get(method);
                if (operation == null) {
                    continue;
                }
                List<Parameter> parameters = new ArrayList<>();
                for (JsonNode listed : operation.path("parameters")) {
                    JsonNode parameter = listed.has("$ref")
                            ? document.at(listed.get("$ref").asText().substring(1))
                            : listed;
                    parameters.add(new Parameter(parameter.path("name").asText(), parameter.path("in").asText(),
                            resolve(parameter.path("schema"), schemas, 0)));
                }
                JsonNode json = operation.path("requestBody").path("content").path("application/json").path("schema");
                operations.add(new Operation(method.toUpperCase(Locale.ROOT), path.getKey(), List.copyOf(parameters),
                        json.isMissingNode() ? null : resolve(json, schemas, 0)));
            }
        }
        return List.copyOf(operations);
    }

    /** The schema with every reference replaced by what it names. */
    private static JsonNode resolve(JsonNode schema, JsonNode schemas, int depth) {
        if (depth > MAX_REF_DEPTH || !schema.isObject()) {
            return schema;
        }
        if (schema.has("$ref")) {
            String name = schema.get("$ref").asText().replace("#/components/schemas/", "");
            return resolve(schemas.path(name), schemas, depth + 1);
        }
        ObjectNode resolved = ((ObjectNode) schema).deepCopy();
        if (resolved.has("items")) {
            resolved.set("items", resolve(resolved.get("items"), schemas, depth + 1));
        }
        if (resolved.has("properties")) {
            ObjectNode properties = resolved.putObject("properties");
            schema.get("properties").fields()
                    .forEachRemaining(p -> properties.set(p.getKey(), resolve(p.getValue(), schemas, depth + 1)));
        }
        return resolved;
    }
}
