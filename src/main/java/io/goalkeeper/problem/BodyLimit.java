package io.goalkeeper.problem;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;

/**
 * Refuses a body declared larger than 1 MiB before it is read, with a problem+json 413. (The HTTP
 * layer's own limit, {@code quarkus.http.limits.max-body-size}, still stops chunked bodies that grow
 * past it, but answers those with an empty 413.)
 */
@ApplicationScoped
public class BodyLimit {

    static final long MAX_BODY_BYTES = 1024 * 1024;
    private static final String TOO_LARGE = """
            {"type":"urn:goalkeeper:problem:payload-too-large","title":"Payload Too Large","status":413,\
            "detail":"The body is larger than 1 MiB"}""";

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(context -> {
            String length = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            if (length != null && declaredTooLarge(length)) {
                context.response()
                        .setStatusCode(413)
                        .putHeader(HttpHeaders.CONTENT_TYPE, ProblemMapper.PROBLEM_JSON)
                        .putHeader(HttpHeaders.CONNECTION, "close")
                        .end(TOO_LARGE);
            } else {
                context.next();
            }
        });
    }

    private static boolean declaredTooLarge(String length) {
        try {
            return Long.parseLong(length.trim()) > MAX_BODY_BYTES;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
