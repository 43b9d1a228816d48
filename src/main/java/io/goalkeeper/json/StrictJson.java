package io.goalkeeper.json;

import java.io.IOException;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;

import io.quarkus.jackson.ObjectMapperCustomizer;

/**
 * Reads request bodies strictly: a wrong type is a 400, never a silent conversion. Jackson by default
 * turns {@code 1} into {@code "1"}, {@code "true"} into {@code true}, {@code 1.5} into {@code 1},
 * {@code 20270501} into a date, and keeps the last of two equal keys; each of these would store
 * something the client did not mean.
 */
@Singleton
public class StrictJson implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        mapper.configure(MapperFeature.ALLOW_COERCION_OF_SCALARS, false);
        for (CoercionInputShape shape : new CoercionInputShape[] { CoercionInputShape.Integer,
                CoercionInputShape.Float, CoercionInputShape.Boolean }) {
            mapper.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
        }
        mapper.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Collection).setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.POJO).setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        // Lenient dates accept an epoch-day number or a timestamp whose time is silently dropped.
        mapper.configOverride(LocalDate.class).setFormat(JsonFormat.Value.forLeniency(false));
        // An empty string would read as a missing id, and the server would make one up.
        mapper.coercionConfigFor(LogicalType.OtherScalar).setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        mapper.registerModule(new SimpleModule("strict-scalars")
                .addDeserializer(LocalDate.class, new DateText())
                .addDeserializer(UUID.class, new UuidText()));
    }

    /** Last, so that these readers replace the ones the standard modules register. */
    @Override
    public int priority() {
        return MINIMUM_PRIORITY;
    }

    /**
     * An id is a UUID string as written, nothing else: the standard reader trims spaces and takes 16
     * bytes in Base64, so the id stored would not be the id sent.
     */
    static final class UuidText extends TextOnly<UUID> {

        private static final Pattern CANONICAL = Pattern.compile(
                "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

        UuidText() {
            super(UUID.class, "not a UUID");
        }

        @Override
        UUID parse(String text) {
            if (!CANONICAL.matcher(text).matches()) {
                throw new IllegalArgumentException(text);
            }
            return UUID.fromString(text);
        }
    }

    /**
     * A date is a {@code YYYY-MM-DD} string or null, nothing else: the standard reader also takes an
     * array such as {@code [2027, 5, 1]}, and reads an empty array as no date at all.
     */
    static final class DateText extends TextOnly<LocalDate> {

        DateText() {
            super(LocalDate.class, "not a date (YYYY-MM-DD)");
        }

        @Override
        LocalDate parse(String text) {
            return LocalDate.parse(text, DateTimeFormatter.ISO_LOCAL_DATE);
        }
    }

    /** A value that only a JSON string may give: any other token is a wrong type, a bad string a bad format. */
    abstract static class TextOnly<T> extends StdScalarDeserializer<T> {

        private final Class<T> type;
        private final String problem;

        TextOnly(Class<T> type, String problem) {
            super(type);
            this.type = type;
            this.problem = problem;
        }

        /** The value, or a {@link RuntimeException} when the text does not hold one. */
        abstract T parse(String text);

        @Override
        public T deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            if (parser.currentToken() != JsonToken.VALUE_STRING) {
                return type.cast(context.handleUnexpectedToken(type, parser));
            }
            String text = parser.getText();
            try {
                return parse(text);
            } catch (RuntimeException e) {
                throw context.weirdStringException(text, type, problem);
            }
        }
    }
}
