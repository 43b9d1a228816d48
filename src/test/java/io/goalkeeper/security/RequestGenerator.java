package io.goalkeeper.security;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import io.goalkeeper.security.ApiDescription.Operation;
import io.goalkeeper.security.ApiDescription.Parameter;
import io.goalkeeper.security.Exchange.Header;
import io.goalkeeper.security.Exchange.Request;

/**
 * Builds requests for the operations of the OpenAPI document: valid ones filled in from the schemas,
 * and the same with hostile values put into one or more places. {@link #corpus} lists every hostile
 * value in every place once; {@link #random} combines them at random.
 */
final class RequestGenerator {

    static final String JSON = "application/json";
    static final String IF_MATCH = "If-Match";
    private static final Pattern ALTERNATIVES = Pattern.compile("[\\w-]+(\\|[\\w-]+)+");
    /** Text that must round-trip: accents, scripts, emoji (surrogate pairs, ZWJ sequences), quotes, markup. */
    private static final List<String> WORDS = List.of("Run", "a", "marathon", "Läufer", "naïve", "café", "マラソン", "漢字",
            "\ud83c\udfc3", "\ud83c\udfc3\u200d\u2640\ufe0f", "\ud83d\udc69\ud83c\udffd\u200d\ud83d\udcbb", "עברית", "العربية",
            "Ω≈ç√", "\ud835\udd18\ud835\udd2b", "'", "\"", "\\", "<b>", "%s", "e\u0301", "\u00a0", "ß", "İ", "\n", "\t",
            "\r\n", "10k", "2027");

    private final Random random;
    private final IdPool ids;
    private final Credentials credentials;

    RequestGenerator(Random random, IdPool ids, Credentials credentials) {
        this.random = random;
        this.ids = ids;
        this.credentials = credentials;
    }

    // ---------------------------------------------------------------------------------------------
    // Random combinations

    Request random(Operation op) {
        Credential credential = credential();
        Map<String, String> path = pathValues(op);
        for (Parameter parameter : op.in("path")) {
            if (chance(0.25)) {
                path.put(parameter.name(), pick(hostilePath(parameter, path)));
            }
        }
        List<Header> headers = new ArrayList<>();
        if (op.parameters().stream().anyMatch(p -> p.name().equals(IF_MATCH))) {
            double dice = random.nextDouble();
            if (dice < 0.25) {
                headers.add(new Header(IF_MATCH, currentETag(path)));
            } else if (dice < 0.45) {
                headers.add(new Header(IF_MATCH, pick(Hostile.IF_MATCH)));
            } else if (dice < 0.5) {
                headers.add(new Header(IF_MATCH, currentETag(path)));
                headers.add(new Header(IF_MATCH, pick(Hostile.IF_MATCH)));
            }
        }
        if (chance(0.05)) {
            headers.add(new Header("Accept", pick(Hostile.ACCEPTS)));
        }
        if (op.body() == null) {
            return chance(0.05) ? request(op, credential, path, randomQuery(op), headers, bytes("{\"title\":\"x\"}"), JSON, false)
                    : request(op, credential, path, randomQuery(op), headers, null, null, false);
        }
        byte[] body;
        double dice = random.nextDouble();
        if (dice < 0.1) {
            body = pick(Hostile.BODIES);
        } else if (dice < 0.13) {
            body = null;
        } else {
            Object model = valid(op.body(), path, false);
            if (chance(0.5)) {
                int mutations = 1 + random.nextInt(3);
                for (int i = 0; i < mutations; i++) {
                    model = mutateAtRandom(model, op.body());
                }
            }
            body = bytes(Json.write(model));
        }
        String contentType = chance(0.92) ? JSON : pick(Hostile.CONTENT_TYPES);
        return request(op, credential, path, randomQuery(op), headers, encoded(body, contentType), contentType, chance(0.02));
    }

    private Credential credential() {
        double dice = random.nextDouble();
        if (dice < 0.75) {
            return credentials.owner;
        }
        if (dice < 0.8) {
            return credentials.viewer;
        }
        if (dice < 0.85) {
            return credentials.admin;
        }
        return pick(credentials.hostile);
    }

    private String randomQuery(Operation op) {
        List<String> pairs = new ArrayList<>();
        for (Parameter parameter : op.in("query")) {
            double dice = random.nextDouble();
            if (dice < 0.4) {
                pairs.add(parameter.name() + "=" + validQueryValue(parameter));
            } else if (dice < 0.6) {
                pairs.add(parameter.name() + "=" + pick(Hostile.QUERY_VALUES));
            } else if (dice < 0.65) {
                pairs.add(parameter.name() + "=" + validQueryValue(parameter));
                pairs.add(parameter.name() + "=" + pick(Hostile.QUERY_VALUES));
            }
        }
        if (chance(0.03)) {
            pairs.add("unknown=1");
        }
        return pairs.isEmpty() ? "" : "?" + String.join("&", pairs);
    }

    private Object mutateAtRandom(Object model, JsonNode schema) {
        List<Slot> slots = slots(model, schema);
        Slot slot = pick(slots);
        Object current = slot.get(model);
        List<UnaryOperator<Object>> changes = changes(slot, current);
        return slot.apply(model, pick(changes));
    }

    // ---------------------------------------------------------------------------------------------
    // The corpus: each hostile value in each place, once

    /** Every hostile case for one operation; {@code withCredentials}: also with each hostile credential. */
    List<Request> corpus(Operation op, boolean withCredentials) {
        Map<String, String> path = pathValues(op);
        Object template = op.body() == null ? null : valid(op.body(), path, true);
        byte[] body = template == null ? null : bytes(Json.write(template));
        String contentType = body == null ? null : JSON;
        String query = op.in("query").isEmpty() ? "" : "?" + op.in("query").get(0).name() + "=" + validQueryValue(op.in("query").get(0));
        List<Request> cases = new ArrayList<>();
        cases.add(request(op, credentials.owner, path, query, List.of(), body, contentType, false));
        if (withCredentials) {
            List<Credential> all = new ArrayList<>(credentials.hostile);
            all.add(credentials.viewer);
            all.add(credentials.admin);
            for (Credential credential : all) {
                cases.add(request(op, credential, path, query, List.of(), body, contentType, false));
            }
            for (String accept : Hostile.ACCEPTS) {
                cases.add(request(op, credentials.owner, path, query, List.of(new Header("Accept", accept)), body, contentType, false));
            }
        }
        for (Parameter parameter : op.in("path")) {
            for (String value : hostilePath(parameter, path)) {
                Map<String, String> changed = new LinkedHashMap<>(path);
                changed.put(parameter.name(), value);
                cases.add(request(op, credentials.owner, changed, query, List.of(), body, contentType, false));
            }
        }
        for (Parameter parameter : op.in("query")) {
            String name = parameter.name();
            List<String> queries = new ArrayList<>();
            Hostile.QUERY_VALUES.forEach(value -> queries.add("?" + name + "=" + value));
            queries.addAll(List.of("?" + name + "=" + validQueryValue(parameter) + "&" + name + "=maybe",
                    "?" + name + "=" + validQueryValue(parameter) + "&" + name + "=" + validQueryValue(parameter), "?" + name,
                    "?" + name.toUpperCase(Locale.ROOT) + "=1", "?unknown=1", "?&&&=&", "?" + name + "=1&" + name + "=2&" + name + "=3"));
            for (String hostileQuery : queries) {
                cases.add(request(op, credentials.owner, path, hostileQuery, List.of(), body, contentType, false));
            }
        }
        if (op.parameters().stream().anyMatch(p -> p.name().equals(IF_MATCH))) {
            for (String ifMatch : Hostile.IF_MATCH) {
                cases.add(request(op, credentials.owner, path, query, List.of(new Header(IF_MATCH, ifMatch)), body, contentType, false));
            }
            cases.add(request(op, credentials.owner, path, query,
                    List.of(new Header(IF_MATCH, currentETag(path)), new Header(IF_MATCH, "\"999\"")), body, contentType, false));
            cases.add(request(op, credentials.owner, path, query,
                    List.of(new Header(IF_MATCH, "W/\"1\""), new Header(IF_MATCH, "*")), body, contentType, false));
        }
        if (op.body() == null) {
            cases.add(request(op, credentials.owner, path, query, List.of(), bytes("{\"title\":\"x\"}"), JSON, false));
            cases.add(request(op, credentials.owner, path, query, List.of(), Hostile.exactly(Hostile.MIB + 1), JSON, false));
            return cases;
        }
        for (byte[] hostile : Hostile.BODIES) {
            cases.add(request(op, credentials.owner, path, query, List.of(), hostile, JSON, false));
        }
        for (String type : Hostile.CONTENT_TYPES) {
            cases.add(request(op, credentials.owner, path, query, List.of(), encoded(body, type), type, false));
        }
        cases.add(request(op, credentials.owner, path, query, List.of(new Header("Content-Type", "text/plain")), body, JSON, false));
        cases.add(request(op, credentials.owner, path, query, List.of(), body, null, false));
        cases.add(request(op, credentials.owner, path, query, List.of(), body, JSON, true));
        cases.add(request(op, credentials.owner, path, query, List.of(), Hostile.exactly(Hostile.MIB + 1), JSON, true));
        for (Slot slot : slots(template, op.body())) {
            for (UnaryOperator<Object> change : changes(slot, slot.get(template))) {
                Object mutated = slot.apply(copy(template), change);
                cases.add(request(op, credentials.owner, path, query, List.of(), bytes(Json.write(mutated)), JSON, false));
            }
        }
        for (String huge : List.of("x".repeat(Hostile.MIB), "x".repeat(Hostile.MIB - 64))) {
            Object mutated = copy(template);
            for (Slot slot : slots(mutated, op.body())) {
                if ("string".equals(slot.schema().path("type").asText()) && !slot.schema().has("format")) {
                    mutated = slot.apply(mutated, old -> huge);
                    break;
                }
            }
            cases.add(request(op, credentials.owner, path, query, List.of(), bytes(Json.write(mutated)), JSON, false));
        }
        return cases;
    }

    // ---------------------------------------------------------------------------------------------
    // Places and the hostile values that go there

    /** A place in a body: the members and indexes that lead to it, and its schema. */
    record Slot(List<Object> address, JsonNode schema) {

        Object get(Object root) {
            Object value = root;
            for (Object step : address) {
                if (value instanceof Json.Obj object) {
                    value = object.members.stream().filter(m -> m.getKey().equals(step)).map(Map.Entry::getValue)
                            .findFirst().orElse(null);
                } else if (value instanceof List<?> list && step instanceof Integer index && index < list.size()) {
                    value = list.get(index);
                } else {
                    return null;
                }
            }
            return value;
        }

        /** The body with the value at this place changed; a place that has gone is left alone. */
        @SuppressWarnings("unchecked")
        Object apply(Object root, UnaryOperator<Object> change) {
            if (address.isEmpty()) {
                return change.apply(root);
            }
            Object parent = new Slot(address.subList(0, address.size() - 1), schema).get(root);
            Object last = address.get(address.size() - 1);
            if (parent instanceof Json.Obj object && last instanceof String name) {
                object.put(name, change.apply(get(root)));
            } else if (parent instanceof List<?> list && last instanceof Integer index && index < list.size()) {
                ((List<Object>) list).set(index, change.apply(list.get(index)));
            }
            return root;
        }
    }

    /** Every place of the body, including the members its objects leave out. */
    private static List<Slot> slots(Object model, JsonNode schema) {
        List<Slot> slots = new ArrayList<>();
        collect(model, schema, List.of(), slots);
        return slots;
    }

    private static void collect(Object value, JsonNode schema, List<Object> address, List<Slot> slots) {
        slots.add(new Slot(address, schema));
        if (value instanceof Json.Obj object && schema.has("properties")) {
            schema.get("properties").fields().forEachRemaining(property -> {
                Object member = new Slot(List.of(property.getKey()), schema).get(object);
                List<Object> next = append(address, property.getKey());
                if (member == null) {
                    slots.add(new Slot(next, property.getValue()));
                } else {
                    collect(member, property.getValue(), next, slots);
                }
            });
        } else if (value instanceof List<?> list && schema.has("items")) {
            for (int i = 0; i < list.size(); i++) {
                collect(list.get(i), schema.get("items"), append(address, i), slots);
            }
        }
    }

    /** The hostile changes that fit a place: values of every wrong type, and right-typed values that are wrong. */
    private List<UnaryOperator<Object>> changes(Slot slot, Object current) {
        List<UnaryOperator<Object>> changes = new ArrayList<>();
        Hostile.WRONG_TYPES.forEach(value -> changes.add(old -> copy(value)));
        JsonNode schema = slot.schema();
        String type = schema.path("type").asText();
        String format = schema.path("format").asText();
        if (format.equals("uuid")) {
            hostileIds().forEach(value -> changes.add(old -> value));
        } else if (format.equals("date")) {
            Hostile.DATES.forEach(value -> changes.add(old -> value));
        } else if (type.equals("string")) {
            Hostile.TEXTS.forEach(value -> changes.add(old -> value));
        } else if (type.equals("integer")) {
            Hostile.NUMBERS.forEach(value -> changes.add(old -> value));
        } else if (type.equals("array")) {
            int over = schema.path("maxItems").asInt(50) + 1;
            changes.add(old -> {
                List<Object> many = new ArrayList<>();
                for (int i = 0; i < over; i++) {
                    many.add(valid(schema.get("items"), Map.of(), false));
                }
                return many;
            });
            changes.add(old -> new ArrayList<>(Collections.singletonList(null)));
            changes.add(old -> new Json.Raw(Hostile.nested(Hostile.DEEP)));
        }
        if (current instanceof Json.Obj object) {
            for (String name : Hostile.UNKNOWN_MEMBERS) {
                changes.add(old -> ((Json.Obj) old).add(name, "x"));
            }
            for (Map.Entry<String, Object> member : object.members) {
                changes.add(old -> ((Json.Obj) old).add(member.getKey(), member.getValue()));
            }
            for (JsonNode required : schema.path("required")) {
                changes.add(old -> {
                    ((Json.Obj) old).members.removeIf(m -> m.getKey().equals(required.asText()));
                    return old;
                });
            }
        }
        return changes;
    }

    private List<String> hostileIds() {
        List<String> values = new ArrayList<>(ids.othersGoals());
        values.addAll(ids.othersMilestones());
        String own = ids.ownGoals().isEmpty() ? UUID.randomUUID().toString() : ids.ownGoals().get(0);
        values.addAll(List.of(UUID.randomUUID().toString(), "not-a-uuid", "", own.toUpperCase(Locale.ROOT), own.replace("-", ""),
                "00000000-0000-0000-0000-000000000000", own + " ", own + "\ud800", "{" + own + "}"));
        return values;
    }

    private List<String> hostilePath(Parameter parameter, Map<String, String> path) {
        List<String> values = new ArrayList<>(ids.othersGoals());
        values.addAll(ids.othersMilestones());
        values.addAll(ids.allOwnMilestones().stream().limit(2).toList());
        values.add(UUID.randomUUID().toString());
        String own = path.getOrDefault(parameter.name(), UUID.randomUUID().toString());
        values.addAll(Hostile.pathSegments(own));
        return values;
    }

    // ---------------------------------------------------------------------------------------------
    // Valid values from the schemas

    /**
     * Identifier path parameters name the user's own goal and, after it, one of its milestones, so that
     * a good share of requests reach the operation instead of a 404.
     */
    private Map<String, String> pathValues(Operation op) {
        Map<String, String> values = new LinkedHashMap<>();
        String goal = null;
        for (Parameter parameter : op.in("path")) {
            if (parameter.schema().path("format").asText().equals("uuid")) {
                if (goal == null) {
                    goal = ids.ownGoals().isEmpty() ? UUID.randomUUID().toString() : pick(ids.ownGoals());
                    values.put(parameter.name(), goal);
                } else {
                    List<String> milestones = ids.ownMilestones(goal);
                    values.put(parameter.name(), milestones.isEmpty() ? UUID.randomUUID().toString() : pick(milestones));
                }
            } else if (parameter.schema().path("type").asText().equals("integer")) {
                values.put(parameter.name(), Integer.toString(1 + random.nextInt(30)));
            } else {
                values.put(parameter.name(), "x");
            }
        }
        return values;
    }

    private String currentETag(Map<String, String> path) {
        return path.isEmpty() ? ids.collectionETag() : ids.eTag(path.values().iterator().next());
    }

    /** Query parameters are often numbers even where the schema says string. */
    private String validQueryValue(Parameter parameter) {
        String type = parameter.schema().path("type").asText();
        if (type.equals("boolean")) {
            return Boolean.toString(random.nextBoolean());
        }
        return Integer.toString(1 + random.nextInt(type.equals("integer") ? 30 : 250));
    }

    /**
     * A value the schema allows. {@code full}: every member an object has, except server-kept numbers
     * that are not required (a made-up version is a conflict that would hide what the rest does).
     * A member named like a path parameter gets that parameter's value.
     */
    Object valid(JsonNode schema, Map<String, String> path, boolean full) {
        String type = schema.path("type").asText();
        String format = schema.path("format").asText();
        if (format.equals("uuid")) {
            if (full) {
                return UUID.randomUUID().toString();
            }
            double dice = random.nextDouble();
            List<String> milestones = ids.allOwnMilestones();
            return dice < 0.6 || ids.ownGoals().isEmpty() ? UUID.randomUUID().toString()
                    : dice < 0.8 || milestones.isEmpty() ? pick(ids.ownGoals()) : pick(milestones);
        }
        if (format.equals("date")) {
            return LocalDate.of(2000, 1, 1).plusDays(random.nextInt(40_000)).toString();
        }
        switch (type) {
            case "object": {
                Json.Obj object = new Json.Obj();
                List<String> required = new ArrayList<>();
                schema.path("required").forEach(r -> required.add(r.asText()));
                schema.path("properties").fields().forEachRemaining(property -> {
                    boolean isRequired = required.contains(property.getKey());
                    boolean serverNumber = property.getValue().path("type").asText().equals("integer");
                    if (path.containsKey(property.getKey())) {
                        if (full || chance(0.5)) {
                            object.put(property.getKey(), path.get(property.getKey()));
                        }
                    } else if (isRequired || (full ? !serverNumber : chance(0.5))) {
                        object.put(property.getKey(), valid(property.getValue(), Map.of(), full));
                    }
                });
                return object;
            }
            case "array": {
                int max = Math.min(3, schema.path("maxItems").asInt(3));
                int count = full ? 1 : random.nextInt(max + 1);
                List<Object> items = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    items.add(valid(schema.get("items"), Map.of(), full));
                }
                return items;
            }
            case "integer":
                return 1 + random.nextInt(3);
            case "number":
                return random.nextInt(100) / 4.0;
            case "boolean":
                return random.nextBoolean();
            default:
                return text(schema);
        }
    }

    /** Words that the schema's pattern allows, up to its maximum length, now and then exactly at it. */
    private String text(JsonNode schema) {
        String pattern = schema.path("pattern").asText(null);
        if (pattern != null && ALTERNATIVES.matcher(pattern).matches()) {
            return pick(List.of(pattern.split("\\|")));
        }
        Pattern allowed = pattern == null ? null : Pattern.compile(pattern);
        List<String> words = WORDS.stream().filter(w -> allowed == null || allowed.matcher(w).matches()).toList();
        int max = schema.path("maxLength").asInt(60);
        int length = chance(0.1) ? max : 1 + random.nextInt(Math.min(max, 40));
        StringBuilder text = new StringBuilder(pick(List.of("Run", "Läufer", "マラソン", "\ud83c\udfc3")));
        while (text.length() < length) {
            text.append(' ').append(pick(words));
        }
        int end = Math.min(length, text.length());
        if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end);
    }

    // ---------------------------------------------------------------------------------------------

    private Request request(Operation op, Credential credential, Map<String, String> path, String query, List<Header> extra,
            byte[] body, String contentType, boolean chunked) {
        String target = op.path();
        for (Map.Entry<String, String> value : path.entrySet()) {
            target = target.replace("{" + value.getKey() + "}", value.getValue());
        }
        List<Header> headers = new ArrayList<>();
        credential.authorizations().forEach(value -> headers.add(new Header("Authorization", value)));
        if (contentType != null) {
            headers.add(new Header("Content-Type", contentType));
        }
        headers.addAll(extra);
        return new Request(op.name(), op.method(), target + query, List.copyOf(headers), body, chunked, credential);
    }

    /** The body in the charset its content type names, where Java knows it. */
    private static byte[] encoded(byte[] body, String contentType) {
        if (body != null && contentType != null && contentType.endsWith("charset=utf-16")) {
            return new String(body, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_16);
        }
        return body;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static List<Object> append(List<Object> address, Object step) {
        List<Object> next = new ArrayList<>(address);
        next.add(step);
        return List.copyOf(next);
    }

    private static Object copy(Object value) {
        if (value instanceof Json.Obj object) {
            Json.Obj copy = new Json.Obj();
            object.members.forEach(m -> copy.add(m.getKey(), copy(m.getValue())));
            return copy;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>();
            list.forEach(item -> copy.add(copy(item)));
            return copy;
        }
        return value;
    }

    private boolean chance(double probability) {
        return random.nextDouble() < probability;
    }

    <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }
}
