package io.goalkeeper.problem;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * Refuses a body larger than 1 MiB with a problem+json 413: one declared larger before it is read, and
 * a chunked one (no declared length) as soon as it grows past the limit. A chunked body is read here in
 * full, up to the limit, and the REST layer takes it from memory: left to the REST layer's own stream,
 * an oversized one got an empty 413 that nothing here could turn into a problem. It runs where Quarkus
 * puts its own upload limit: after the CORS filter, so that a browser on an allowed origin can read the
 * 413 too, and before anything reads the body.
 */
@ApplicationScoped
public class BodyLimit {

    static final long MAX_BODY_BYTES = 1024 * 1024;
    private static final String TOO_LARGE = """
            {"type":"urn:goalkeeper:problem:payload-too-large","title":"Payload Too Large","status":413,\
            "detail":"The body is larger than 1 MiB"}""";

    void install(@Observes Router router) {
        BodyHandler chunkedBodies = BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES);
        router.route().order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT).handler(context -> {
            String length = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            if (length != null && declaredTooLarge(length)) {
                tooLarge(context);
            } else if (length == null && context.request().headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
                chunkedBodies.handle(context);
            } else {
                context.next();
            }
        }).failureHandler(context -> {
            if (context.statusCode() == 413) {
                tooLarge(context);
            } else {
                context.next();
            }
        });
    }

    private static void tooLarge(RoutingContext context) {
        context.response()
                .setStatusCode(413)
                .putHeader(HttpHeaders.CONTENT_TYPE, ProblemMapper.PROBLEM_JSON)
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(TOO_LARGE);
    }

    private static boolean declaredTooLarge(String length) {
        try {
            return Long.parseLong(length.trim()) > MAX_BODY_BYTES;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
