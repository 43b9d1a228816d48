package io.goalkeeper.security;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** One request as it was sent and the answer it got, printable so that a failure can be replayed. */
record Exchange(Request request, Answer answer) {

    private static final int SHOWN_REQUEST_CHARS = 300;
    private static final int SHOWN_ANSWER_CHARS = 600;

    /**
     * A request; {@code operation} names the operation of the OpenAPI document it was made for, and
     * {@code credential} says in words what its Authorization headers hold.
     */
    record Request(String operation, String method, String target, List<Header> headers, byte[] body, boolean chunked, Credential credential) {

        String path() {
            int query = target.indexOf('?');
            return query < 0 ? target : target.substring(0, query);
        }

        /** Everything the client said, lower-cased: what an answer may repeat back without leaking anything. */
        String lowerCaseText() {
            StringBuilder text = new StringBuilder(target);
            headers.forEach(header -> text.append('\n').append(header.value()));
            if (body != null) {
                text.append('\n').append(new String(body, StandardCharsets.UTF_8));
            }
            return text.toString().toLowerCase(Locale.ROOT);
        }
    }

    record Header(String name, String value) {
    }

    /** An answer, or the I/O failure that stood for one ({@code status} 0). */
    record Answer(int status, Map<String, List<String>> headers, String body, String failure) {

        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream()).findFirst().orElse(null);
        }

        boolean successful() {
            return status >= 200 && status < 300;
        }
    }

    String describe() {
        StringBuilder out = new StringBuilder();
        out.append(request.method()).append(' ').append(shorten(request.target(), SHOWN_REQUEST_CHARS)).append('\n');
        for (Header header : request.headers()) {
            out.append("  ").append(header.name()).append(": ")
                    .append(header.name().equalsIgnoreCase("Authorization") ? request.credential().describe(header.value())
                            : shorten(header.value(), SHOWN_REQUEST_CHARS))
                    .append('\n');
        }
        if (request.body() != null) {
            out.append("  body (").append(request.body().length).append(" bytes").append(request.chunked() ? ", chunked" : "")
                    .append("): ").append(bodyText(request.body())).append('\n');
        }
        if (answer.failure() != null) {
            return out.append("-> no answer: ").append(answer.failure()).toString();
        }
        out.append("-> ").append(answer.status()).append('\n');
        answer.headers().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("content-length")) {
                out.append("  ").append(name).append(": ").append(String.join(", ", values)).append('\n');
            }
        });
        return out.append("  body: ").append(shorten(answer.body(), SHOWN_ANSWER_CHARS)).toString();
    }

    private static String bodyText(byte[] body) {
        try {
            String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(body, 0, Math.min(body.length, 4 * SHOWN_REQUEST_CHARS)))
                    .toString();
            return shorten(text, SHOWN_REQUEST_CHARS);
        } catch (CharacterCodingException e) {
            StringBuilder hex = new StringBuilder("(not UTF-8, in hex) ");
            for (int i = 0; i < Math.min(body.length, SHOWN_REQUEST_CHARS / 3); i++) {
                hex.append(String.format("%02x ", body[i]));
            }
            return hex.toString();
        }
    }

    /** The first characters of {@code text}, with control characters and lone surrogates made visible. */
    static String shorten(String text, int max) {
        StringBuilder out = new StringBuilder();
        int shown = Math.min(text.length(), max);
        for (int i = 0; i < shown; i++) {
            char c = text.charAt(i);
            boolean lone = Character.isHighSurrogate(c) && (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1)))
                    || Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(text.charAt(i - 1)));
            out.append(Character.isISOControl(c) || lone ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return text.length() > max ? out + "… (" + text.length() + " chars)" : out.toString();
    }
}
