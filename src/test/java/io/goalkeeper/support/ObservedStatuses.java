package io.goalkeeper.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.restassured.RestAssured;
import io.restassured.filter.Filter;
import io.restassured.filter.FilterContext;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;

/**
 * Records the method, path and status (and whether the CORS filter refused the origin) of every answer that RestAssured receives in this JVM, one
 * tab-separated line each, so that {@code ApiDescriptionCoverageTest} can compare what the tests saw
 * with what the OpenAPI document promises.
 *
 * <p>
 * The record is a file named after this JVM's pid, not a field: Quarkus loads the tests, and so
 * RestAssured and this class, in a class loader of each application it starts (one per test profile),
 * so a static set here would be one of several, and the check, a plain test, sees none of them. A file
 * is shared by all of them, and naming it after the pid keeps an earlier run's lines out.
 * {@link RecordStatusesExtension} installs the filter in each of those class loaders.
 */
public final class ObservedStatuses implements Filter {

    /** The reason phrase of Quarkus's CORS filter when it refuses an origin. */
    public static final String CORS_REJECTED = "CORS Rejected";
    private static final Set<String> SEEN = ConcurrentHashMap.newKeySet();
    private static boolean installed;

    /** The record of this JVM. */
    public static Path file() {
        return Path.of("target", "observed-statuses", ProcessHandle.current().pid() + ".tsv");
    }

    /** Adds the filter to RestAssured as loaded by this class's loader, once. */
    public static synchronized void install() {
        if (!installed) {
            RestAssured.filters(new ObservedStatuses());
            installed = true;
        }
    }

    @Override
    public Response filter(FilterableRequestSpecification request, FilterableResponseSpecification response,
            FilterContext context) {
        Response answer = context.next(request, response);
        String line = request.getMethod() + "\t" + pathOf(request.getURI()) + "\t" + answer.statusCode()
                + (answer.statusLine().contains(CORS_REJECTED) ? "\t" + CORS_REJECTED : "");
        if (SEEN.add(line)) {
            append(line);
        }
        return answer;
    }

    private static String pathOf(String uri) {
        try {
            return URI.create(uri).getRawPath();
        } catch (IllegalArgumentException e) {
            String path = uri.replaceFirst("^[a-z]+://[^/]*", "");
            int query = path.indexOf('?');
            return query < 0 ? path : path.substring(0, query);
        }
    }

    private static synchronized void append(String line) {
        // Several class loaders may append at once: one short write with O_APPEND each keeps lines whole.
        try {
            Files.createDirectories(file().getParent());
            Files.writeString(file(), line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
