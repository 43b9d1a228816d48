package io.goalkeeper.smartsuite;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.goalkeeper.support.LocalHttpServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * SmartSuite's record API as {@code shared/SMARTSUITE.md} describes it, on a random local port: token
 * and account checks, paths ending with a slash, at most 25 items a bulk call (422 above), bare-array
 * bulk answers, unknown ids dropped from bulk answers, 404 for deleted records, empty values left out
 * of read answers, 5 calls a second per key (429 above). Faults can be queued per operation: statuses,
 * slow answers, connections reset before or after the write is applied.
 */
public final class FakeSmartSuite implements AutoCloseable {

    public static final String TOKEN = "fake-api-key";
    public static final String ACCOUNT = "acct1234";
    public static final String TABLE = "6565d1f0c0ffee0000000001";

    /** The calls the fake answers, as the metric and the call log name them. */
    public enum Op {
        SCHEMA, LIST, GET, BULK_CREATE, BULK_UPDATE, BULK_DELETE;

        boolean write() {
            return this == BULK_CREATE || this == BULK_UPDATE || this == BULK_DELETE;
        }
    }

    /** One call as the fake saw it: when it arrived, what it was, what it answered (0: reset). */
    public record Call(long atNanos, Op op, int items, int status) {
    }

    private enum Kind { STATUS, SLOW, LATE, RESET_BEFORE, RESET_AFTER, HOOK_AFTER }

    private record Fault(Op op, Kind kind, int status, String retryAfter, Duration delay, Runnable hook) {
    }

    private static final String[] LABELS = { "Goal ID", "User ID", "Description", "Status", "Category", "Target Date",
            "Milestones", "Goal Version" };
    private static final SecureRandom RANDOM = new SecureRandom();

    private final LocalHttpServer server;
    private final Map<String, String> slugs = new LinkedHashMap<>();
    private final Map<String, JsonObject> records = new LinkedHashMap<>();
    private final Map<String, JsonObject> deleted = new LinkedHashMap<>();
    private final Deque<Fault> faults = new ArrayDeque<>();
    private final Deque<Long> recent = new ArrayDeque<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private volatile String token = TOKEN;
    private volatile int callsPerSecond = 5;
    private volatile String refusedMarker;

    public FakeSmartSuite() {
        slugs.put("Title", "title");
        for (String label : LABELS) {
            slugs.put(label, "s" + HexFormat.of().formatHex(bytes(5)).substring(0, 9));
        }
        server = LocalHttpServer.start(this::handle);
    }

    /** The settings that point a packaged service's smartsuite target at this fake. */
    public Map<String, String> serviceEnvironment() {
        return Map.of(
                "GOALKEEPER_SYNC_TARGET", "smartsuite",
                "GOALKEEPER_SMARTSUITE_BASE_URL", baseUrl(),
                "GOALKEEPER_SMARTSUITE_API_TOKEN", TOKEN,
                "GOALKEEPER_SMARTSUITE_ACCOUNT_ID", ACCOUNT,
                "GOALKEEPER_SMARTSUITE_TABLE_ID", TABLE);
    }

    /** The API root to configure as {@code goalkeeper.smartsuite.base-url}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.port() + "/api/v1";
    }

    /** The slug of the field with this label. */
    public synchronized String slug(String label) {
        return slugs.get(label);
    }

    /** Takes a field out of the schema, as if someone deleted it in SmartSuite; writes naming it then fail with 422. */
    public synchronized void removeField(String label) {
        slugs.remove(label);
    }

    /** Puts every field back, with new slugs, as after a table was rebuilt. */
    public synchronized void restoreFields() {
        for (String label : LABELS) {
            slugs.putIfAbsent(label, "s" + HexFormat.of().formatHex(bytes(5)).substring(0, 9));
        }
    }

    /** Only this key is accepted from now on. */
    public void acceptToken(String accepted) {
        token = accepted;
    }

    /** Bulk writes with an item whose title contains {@code marker} are refused with 422, as SmartSuite refuses bad data. */
    public void refuseTitlesContaining(String marker) {
        refusedMarker = marker;
    }

    public void callsPerSecond(int limit) {
        callsPerSecond = limit;
    }

    /** The next {@code times} calls of {@code op} answer {@code status} and do nothing. */
    public synchronized void fail(Op op, int times, int status) {
        for (int i = 0; i < times; i++) {
            faults.add(new Fault(op, Kind.STATUS, status, null, null, null));
        }
    }

    /** The next {@code times} calls of {@code op} answer 429, with this {@code Retry-After} (null: none). */
    public synchronized void rateLimit(Op op, int times, String retryAfter) {
        for (int i = 0; i < times; i++) {
            faults.add(new Fault(op, Kind.STATUS, 429, retryAfter, null, null));
        }
    }

    /** The next call of {@code op} answers only after {@code delay}. */
    public synchronized void slow(Op op, Duration delay) {
        faults.add(new Fault(op, Kind.SLOW, 0, null, delay, null));
    }

    /** The next call of {@code op} is carried out only after {@code delay}, then answered: as a backend still at work after the client gave up. */
    public synchronized void late(Op op, Duration delay) {
        faults.add(new Fault(op, Kind.LATE, 0, null, delay, null));
    }

    /** The next call of {@code op} has its connection reset before anything is done. */
    public synchronized void resetBefore(Op op) {
        faults.add(new Fault(op, Kind.RESET_BEFORE, 0, null, null, null));
    }

    /** The next call of {@code op} is carried out, then its connection is reset: the answer is lost. */
    public synchronized void resetAfter(Op op) {
        faults.add(new Fault(op, Kind.RESET_AFTER, 0, null, null, null));
    }

    /** The next call of {@code op} is carried out, then {@code hook} runs (on its own thread) and no answer is sent. */
    public synchronized void afterApplying(Op op, Runnable hook) {
        faults.add(new Fault(op, Kind.HOOK_AFTER, 0, null, null, hook));
    }

    /** Live records, oldest first, as stored (empty values included). */
    public synchronized List<JsonObject> records() {
        return records.values().stream().map(JsonObject::copy).toList();
    }

    /** Removes every record and forgets the calls, as a fresh table. */
    public synchronized void reset() {
        records.clear();
        deleted.clear();
        faults.clear();
        calls.clear();
        recent.clear();
        token = TOKEN;
        refusedMarker = null;
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    public void forgetCalls() {
        calls.clear();
    }

    /** Calls of {@code op} that SmartSuite carried out (2xx). */
    public long succeeded(Op op) {
        return calls.stream().filter(c -> c.op == op && c.status / 100 == 2).count();
    }

    /** Write calls that reached SmartSuite's quota, whatever they answered. */
    public long writeCalls() {
        return calls.stream().filter(c -> c.op.write()).count();
    }

    /** Creates a record as a person would in SmartSuite's UI. */
    public synchronized String createByHand(JsonObject fields) {
        String id = newId();
        records.put(id, fields.copy().put("id", id).put("application_id", TABLE));
        return id;
    }

    public synchronized void editByHand(String id, String label, Object value) {
        records.get(id).put(slugs.get(label), value);
    }

    public synchronized void deleteByHand(String id) {
        deleted.put(id, records.remove(id));
    }

    @Override
    public void close() {
        server.close();
    }

    private void handle(HttpServerRequest request) {
        request.body().onSuccess(body -> answer(request, body)).onFailure(failure -> request.connection().close());
    }

    private void answer(HttpServerRequest request, Buffer body) {
        long now = System.nanoTime();
        String path = request.path();
        String prefix = "/api/v1/applications/" + TABLE + "/";
        Op op = operation(request.method(), path, prefix);
        if (op == null) {
            respond(request, null, 0, 404, new JsonObject().put("detail", "Not found."));
            return;
        }
        if (!("Token " + token).equals(request.getHeader("Authorization"))) {
            respond(request, op, 0, 401, new JsonObject().put("detail", "Invalid token."));
            return;
        }
        if (!ACCOUNT.equals(request.getHeader("ACCOUNT-ID"))) {
            respond(request, op, 0, 403, new JsonObject().put("detail", "You do not have permission to perform this action."));
            return;
        }
        if (overRate(now)) {
            respond(request, op, 0, 429, new JsonObject().put("detail", "Request was throttled."));
            return;
        }
        Fault fault = nextFault(op);
        if (fault != null && fault.kind == Kind.STATUS) {
            if (fault.retryAfter != null) {
                request.response().putHeader("Retry-After", fault.retryAfter);
            }
            respond(request, op, 0, fault.status, new JsonObject().put("detail", "Fault " + fault.status + " from the fake."));
            return;
        }
        if (fault != null && fault.kind == Kind.LATE) {
            server.vertx().setTimer(fault.delay.toMillis(), id -> {
                Reply late = carryOut(op, request, body);
                respond(request, op, late.items, late.status, late.body);
            });
            return;
        }
        if (fault != null && fault.kind == Kind.RESET_BEFORE) {
            calls.add(new Call(now, op, 0, 0));
            request.connection().close();
            return;
        }
        Reply reply;
        try {
            reply = carryOut(op, request, body);
        } catch (DecodeException | ClassCastException | NullPointerException malformed) {
            reply = new Reply(400, new JsonObject().put("detail", "Malformed request: " + malformed.getMessage()), 0);
        }
        Reply done = reply;
        if (fault != null && fault.kind == Kind.RESET_AFTER) {
            calls.add(new Call(now, op, done.items, 0));
            request.connection().close();
        } else if (fault != null && fault.kind == Kind.HOOK_AFTER) {
            calls.add(new Call(now, op, done.items, 0));
            new Thread(fault.hook, "fake-smartsuite-hook").start();
        } else if (fault != null && fault.kind == Kind.SLOW) {
            // Counted when carried out: an answer the client gave up on must not land in the next test's count.
            calls.add(new Call(now, op, done.items, done.status));
            server.vertx().setTimer(fault.delay.toMillis(), id -> respond(request, null, done.items, done.status, done.body));
        } else {
            respond(request, op, done.items, done.status, done.body);
        }
    }

    private record Reply(int status, Object body, int items) {
    }

    private synchronized Reply carryOut(Op op, HttpServerRequest request, Buffer body) {
        switch (op) {
            case SCHEMA:
                return new Reply(200, schema(), 0);
            case GET: {
                String id = request.path().replaceAll(".*/records/([^/]+)/$", "$1");
                JsonObject record = records.get(id);
                return record == null ? new Reply(404, new JsonObject().put("detail", "Not found."), 0)
                        : new Reply(200, withoutEmpty(record), 1);
            }
            case LIST:
                return list(request, body.toJsonObject());
            default:
                break;
        }
        JsonArray items = body.toJsonObject().getJsonArray("items");
        if (items == null) {
            return new Reply(400, new JsonObject().put("items", new JsonArray().add("This field is required.")), 0);
        }
        if (items.size() > SmartSuiteClient.BULK_LIMIT) {
            return new Reply(422, new JsonObject().put("items",
                    new JsonArray().add("Ensure this field has no more than 25 elements.")), items.size());
        }
        if (op == Op.BULK_DELETE) {
            JsonArray answer = new JsonArray();
            for (Object id : items) {
                JsonObject record = records.remove((String) id);
                if (record != null) {
                    deleted.put((String) id, record);
                    answer.add(new JsonObject().put("id", id).put("application_id", TABLE)
                            .put("deleted_date", new JsonObject().put("date", Instant.now().toString())));
                }
            }
            return new Reply(200, answer, items.size());
        }
        for (Object item : items) {
            for (String field : ((JsonObject) item).fieldNames()) {
                if (!field.equals("id") && !slugs.containsValue(field)) {
                    return new Reply(422, new JsonObject().put(field, new JsonArray().add("Unknown field.")), items.size());
                }
            }
        }
        String marker = refusedMarker;
        for (Object item : items) {
            String title = ((JsonObject) item).getString("title");
            if (marker != null && title != null && title.contains(marker)) {
                return new Reply(422, new JsonObject().put("title", new JsonArray().add("Invalid value.")), items.size());
            }
        }
        JsonArray answer = new JsonArray();
        for (Object item : items) {
            JsonObject fields = ((JsonObject) item).copy();
            if (op == Op.BULK_CREATE) {
                String id = newId();
                fields.remove("id");
                JsonObject record = fields.put("id", id).put("application_id", TABLE);
                records.put(id, record);
                answer.add(record.copy());
            } else {
                JsonObject record = records.get(fields.getString("id"));
                if (record != null) {
                    record.mergeIn(fields);
                    answer.add(record.copy());
                }
            }
        }
        return new Reply(200, answer, items.size());
    }

    private Reply list(HttpServerRequest request, JsonObject query) {
        int offset = request.getParam("offset") == null ? 0 : Integer.parseInt(request.getParam("offset"));
        int limit = request.getParam("limit") == null ? 100 : Integer.parseInt(request.getParam("limit"));
        if (limit > 1000) {
            return new Reply(422, new JsonObject().put("limit", new JsonArray().add("At most 1000.")), 0);
        }
        JsonObject filter = query.getJsonObject("filter", new JsonObject());
        List<JsonObject> matching = records.values().stream().filter(r -> matches(r, filter)).toList();
        JsonArray items = new JsonArray();
        matching.stream().skip(offset).limit(limit).forEach(r -> items.add(withoutEmpty(r)));
        return new Reply(200, new JsonObject().put("total", matching.size()).put("offset", offset).put("limit", limit)
                .put("items", items), items.size());
    }

    private static boolean matches(JsonObject record, JsonObject filter) {
        JsonArray fields = filter.getJsonArray("fields");
        if (fields == null || fields.isEmpty()) {
            return true;
        }
        boolean any = "or".equals(filter.getString("operator", "and"));
        for (Object condition : fields) {
            JsonObject c = (JsonObject) condition;
            if (!"is".equals(c.getString("comparison"))) {
                throw new ClassCastException("the fake knows only the comparison 'is'");
            }
            boolean hit = String.valueOf(c.getValue("value")).equals(String.valueOf(record.getValue(c.getString("field"))));
            if (hit == any) {
                return any;
            }
        }
        return !any;
    }

    private JsonObject schema() {
        JsonArray structure = new JsonArray();
        slugs.forEach((label, slug) -> structure.add(new JsonObject().put("slug", slug).put("label", label)
                .put("field_type", label.equals("Title") ? "recordtitlefield"
                        : label.equals("Target Date") ? "datefield" : "textfield")
                .put("params", new JsonObject())));
        return new JsonObject().put("id", TABLE).put("name", "Goals").put("primary_field", "title")
                .put("structure", structure);
    }

    private static JsonObject withoutEmpty(JsonObject record) {
        JsonObject copy = new JsonObject();
        record.forEach(field -> {
            Object v = field.getValue();
            boolean empty = v == null || "".equals(v) || Boolean.FALSE.equals(v)
                    || (v instanceof JsonArray array && array.isEmpty());
            if (!empty) {
                copy.put(field.getKey(), v);
            }
        });
        return copy;
    }

    private synchronized Fault nextFault(Op op) {
        for (var it = faults.iterator(); it.hasNext();) {
            Fault fault = it.next();
            if (fault.op == op) {
                it.remove();
                return fault;
            }
        }
        return null;
    }

    private synchronized boolean overRate(long now) {
        while (!recent.isEmpty() && now - recent.peekFirst() >= 1_000_000_000L) {
            recent.removeFirst();
        }
        if (recent.size() >= callsPerSecond) {
            return true;
        }
        recent.addLast(now);
        return false;
    }

    private void respond(HttpServerRequest request, Op op, int items, int status, Object body) {
        if (op != null) {
            calls.add(new Call(System.nanoTime(), op, items, status));
        }
        request.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(body instanceof JsonArray array ? array.encode() : ((JsonObject) body).encode());
    }

    private static Op operation(HttpMethod method, String path, String prefix) {
        if (!path.startsWith(prefix)) {
            return null;
        }
        String rest = path.substring(prefix.length());
        if (rest.isEmpty() && method == HttpMethod.GET) {
            return Op.SCHEMA;
        }
        if (rest.equals("records/list/") && method == HttpMethod.POST) {
            return Op.LIST;
        }
        if (rest.equals("records/bulk/")) {
            return method == HttpMethod.POST ? Op.BULK_CREATE : method == HttpMethod.PATCH ? Op.BULK_UPDATE : null;
        }
        if (rest.equals("records/bulk_delete/") && method == HttpMethod.PATCH) {
            return Op.BULK_DELETE;
        }
        if (rest.matches("records/[0-9a-f]{24}/") && method == HttpMethod.GET) {
            return Op.GET;
        }
        return null;
    }

    private static String newId() {
        return HexFormat.of().formatHex(bytes(12));
    }

    private static byte[] bytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
