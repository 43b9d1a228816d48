package io.goalkeeper.support;

import static io.restassured.RestAssured.given;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.restassured.specification.RequestSpecification;

/** The operations of the served OpenAPI document, so that a test of every operation covers one added later. */
public final class DocumentedOperations {

    private static final List<String> METHODS = List.of("get", "put", "post", "delete", "patch");

    /** One operation; {@code takesJson} when it has an {@code application/json} request body. */
    public record Operation(String method, String template, String operationId, boolean takesJson, JsonNode description) {

        /** The path with every parameter filled: a fresh UUID, or 1 where the parameter is a number. */
        public String path() {
            return path(Map.of());
        }

        /** The path with the parameters named in {@code values} filled with them, the others as {@link #path()} does. */
        public String path(Map<String, String> values) {
            String path = template;
            for (JsonNode parameter : description.path("parameters")) {
                if ("path".equals(parameter.path("in").asText())) {
                    String name = parameter.path("name").asText();
                    String type = parameter.path("schema").path("type").asText();
                    String value = values.getOrDefault(name, type.equals("integer") ? "1" : UUID.randomUUID().toString());
                    path = path.replace("{" + name + "}", value);
                }
            }
            return path;
        }

        /** Whether the operation takes this header, as documented (references resolved by the document's reader). */
        public boolean takesHeader(String name) {
            for (JsonNode parameter : description.path("parameters")) {
                if (name.equalsIgnoreCase(parameter.path("name").asText()) && "header".equals(parameter.path("in").asText())) {
                    return true;
                }
            }
            return false;
        }

        public boolean isSync() {
            return template.startsWith("/api/v1/sync");
        }

        /** Sends this operation with the request as prepared. */
        public io.restassured.response.Response send(RequestSpecification request) {
            return request.request(method, path());
        }

        public io.restassured.response.Response send(RequestSpecification request, Map<String, String> pathValues) {
            return request.request(method, path(pathValues));
        }

        @Override
        public String toString() {
            return operationId + " (" + method + " " + template + ")";
        }
    }

    private DocumentedOperations() {
    }

    private static JsonNode withParametersResolved(JsonNode document, JsonNode operation) {
        ObjectNode resolved = operation.deepCopy();
        ArrayNode parameters = resolved.putArray("parameters");
        for (JsonNode parameter : operation.path("parameters")) {
            parameters.add(parameter.has("$ref") ? document.at(parameter.get("$ref").asText().substring(1)) : parameter);
        }
        return resolved;
    }

    public static JsonNode document() {
        try {
            return new ObjectMapper().readTree(given().get("/q/openapi?format=json").then().statusCode(200).extract().asString());
        } catch (Exception e) {
            throw new IllegalStateException("the served OpenAPI document could not be read", e);
        }
    }

    public static List<Operation> all() {
        JsonNode document = document();
        List<Operation> operations = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields(); paths.hasNext();) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (String method : METHODS) {
                JsonNode operation = path.getValue().get(method);
                if (operation != null) {
                    operation = withParametersResolved(document, operation);
                    boolean json = operation.path("requestBody").path("content").has("application/json");
                    operations.add(new Operation(method.toUpperCase(Locale.ROOT), path.getKey(),
                            operation.path("operationId").asText(), json, operation));
                }
            }
        }
        return List.copyOf(operations);
    }
}
