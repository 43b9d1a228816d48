package io.goalkeeper.history;

import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;

import io.vertx.core.http.HttpServerRequest;

/**
 * The id a change set records for the request that made it: the client's {@code X-Request-Id} when it
 * is a sane token (so a client can tell its own writes in the events), otherwise one made here.
 */
@RequestScoped
public class RequestId {

    public static final String HEADER = "X-Request-Id";
    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:@/+=-]{1,200}");

    @Inject
    HttpServerRequest request;

    private String value;

    public String value() {
        if (value == null) {
            String sent = request.getHeader(HEADER);
            value = sent != null && SANE.matcher(sent).matches() ? sent : UUID.randomUUID().toString();
        }
        return value;
    }
}
