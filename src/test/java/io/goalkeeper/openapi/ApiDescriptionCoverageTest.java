package io.goalkeeper.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.goalkeeper.support.ObservedStatuses;

/**
 * The OpenAPI document against what the whole suite observed: every status a test saw a documented
 * operation answer is documented for it, and every documented status was seen by some test.
 *
 * <p>
 * It must run after every test that calls the service, in the same JVM. It is a plain test, not a
 * {@code @QuarkusTest}, and quarkus-junit's class orderer (the suite's default) runs plain tests after
 * all {@code @QuarkusTest} classes, whatever their profiles, in surefire's single JVM. It reads what
 * {@link ObservedStatuses} recorded in this JVM, and the document that the tests' own build of the
 * application stored in {@code target/openapi} ({@code ApiDocumentTest} checks that it is the one served).
 * Run alone, or with only some of the suite, it fails: what it checks is the whole suite.
 */
class ApiDescriptionCoverageTest {

    private static final Path DOCUMENT = Path.of("target", "openapi", "openapi.json");
    private static final List<String> METHODS = List.of("get", "put", "post", "delete", "patch");

    /** A documented operation; its path template as a pattern, and how many literal segments it has. */
    private record Operation(String method, String template, Pattern pattern, int literals) {

        String name() {
            return method + " " + template;
        }
    }

    @Test
    void everyObservedStatusIsDocumentedAndEveryDocumentedStatusIsObserved() throws IOException {
        Path observedFile = ObservedStatuses.file();
        assertThat(observedFile).as("answers recorded in this JVM; this check needs the whole suite before it").exists();
        JsonNode document = new ObjectMapper().readTree(DOCUMENT.toFile());

        List<Operation> operations = new ArrayList<>();
        TreeSet<String> documented = new TreeSet<>();
        Set<String> defaults = new HashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields(); paths.hasNext();) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (String method : METHODS) {
                JsonNode operation = path.getValue().get(method);
                if (operation == null) {
                    continue;
                }
                Operation described = operation(method.toUpperCase(Locale.ROOT), path.getKey());
                operations.add(described);
                operation.path("responses").fieldNames().forEachRemaining(status -> {
                    if (status.equals("default")) {
                        defaults.add(described.name());
                    } else {
                        documented.add(described.name() + " " + status);
                    }
                });
            }
        }

        TreeSet<String> observed = new TreeSet<>();
        for (String line : Files.readAllLines(observedFile)) {
            String[] fields = line.split("\t");
            if (fields.length > 3 && fields[3].equals(ObservedStatuses.CORS_REJECTED)) {
                // Quarkus's CORS filter refuses an origin that is not allowed before any operation runs; the
                // browser shows the page's script a network error, not this answer, so no operation lists it.
                continue;
            }
            operationOf(operations, fields[0], fields[1]).ifPresent(operation -> {
                String status = operation.name() + " " + fields[2];
                // An unexpected failure (500) is what an operation's `default` response describes; no other status is.
                if (!(fields[2].equals("500") && !documented.contains(status) && defaults.contains(operation.name()))) {
                    observed.add(status);
                }
            });
        }

        TreeSet<String> undocumented = new TreeSet<>(observed);
        undocumented.removeAll(documented);
        TreeSet<String> unobserved = new TreeSet<>(documented);
        unobserved.removeAll(observed);
        SoftAssertions.assertSoftly(softly -> {
            softly.assertThat(undocumented).as("statuses the tests observed that the document does not list").isEmpty();
            softly.assertThat(unobserved).as("documented statuses that no test observed").isEmpty();
        });
    }

    private static Operation operation(String method, String template) {
        String[] segments = template.split("/");
        StringBuilder pattern = new StringBuilder();
        int literals = 0;
        for (String segment : segments) {
            if (segment.isEmpty()) {
                continue;
            }
            pattern.append('/');
            if (segment.startsWith("{")) {
                pattern.append("[^/]+");
            } else {
                pattern.append(Pattern.quote(segment));
                literals++;
            }
        }
        return new Operation(method, template, Pattern.compile(pattern.toString()), literals);
    }

    /** The operation a request reached: among the templates it matches, the one with the most literal segments. */
    private static Optional<Operation> operationOf(List<Operation> operations, String method, String path) {
        return operations.stream()
                .filter(operation -> operation.method().equals(method) && operation.pattern().matcher(path).matches())
                .max(Comparator.comparingInt(Operation::literals));
    }
}
