package io.tollgate.platform.internal;

import io.tollgate.platform.ApiException;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.Collection;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Why a request body that is valid JSON could not be read, as a 400 naming the field: a careless
 * client should learn which field to fix, never read "not valid JSON" about JSON that is valid. Only
 * text the JSON grammar itself refuses (a missing brace, a stray comma) is "not valid JSON" (null here).
 */
final class JsonProblems {
    static final String DUPLICATE_MESSAGE = "appears more than once; send each field once";

    private JsonProblems() {}

    /** The 400 for a Jackson failure, or null when the body is not JSON at all. */
    static ApiException of(JacksonException e) {
        return switch (e) {
            case RejectedInput r -> field(path(r), r.getOriginalMessage());
            case UnrecognizedPropertyException u -> field(path(u), "is not a known field");
            case InvalidFormatException f when f.getTargetType() != null && f.getTargetType().isEnum() ->
                    field(path(f), "must be one of: " + enumValues(f.getTargetType()));
            // A number beyond its field's type (2147483648 for an int, 1e30 or 2^70 for a long).
            case InputCoercionException c -> field(pathOrContext(c), "must be " + describe(c, c.getTargetType()));
            case MismatchedInputException m -> field(path(m), "must be " + describe(m, m.getTargetType()));
            // Duplicate keys are refused by the parser (STRICT_DUPLICATE_DETECTION): last-wins would
            // silently drop what the client sent first.
            case StreamReadException s when s.getOriginalMessage() != null && s.getOriginalMessage().startsWith("Duplicate Object property") ->
                    field(pathOrContext(s), DUPLICATE_MESSAGE);
            // The parser refuses a lone surrogate in a property name itself (values are checked by InputChecks).
            case StreamReadException s when s.getOriginalMessage() != null && s.getOriginalMessage().contains("surrogate") ->
                    field(pathOrContext(s), "keys " + InputChecks.SURROGATE_MESSAGE);
            default -> null;
        };
    }

    private static ApiException field(String path, String message) {
        return ApiException.invalidField(path.isEmpty() ? "body" : path, message);
    }

    /**
     * As {@link #describe(Class)}, but an integer field says its declared range (its @Min and @Max)
     * rather than its Java type's: "rate_limit must be an integer between 1 and 10000000".
     */
    static String describe(JacksonException e, Class<?> type) {
        if (!isInteger(type)) return describe(type);
        Field field = declaredField(e);
        Min min = field == null ? null : field.getAnnotation(Min.class);
        Max max = field == null ? null : field.getAnnotation(Max.class);
        if (min == null && max == null) return describe(type);
        boolean isInt = type == Integer.class || type == int.class;
        return "an integer between " + (min != null ? min.value() : isInt ? Integer.MIN_VALUE : Long.MIN_VALUE)
                + " and " + (max != null ? max.value() : isInt ? Integer.MAX_VALUE : Long.MAX_VALUE);
    }

    private static boolean isInteger(Class<?> type) {
        return type == Integer.class || type == int.class || type == Long.class || type == long.class;
    }

    /** The Java field behind the last named step of the path (snake_case JSON, camelCase Java), or null. */
    private static Field declaredField(JacksonException e) {
        for (int i = e.getPath().size() - 1; i >= 0; i--) {
            JacksonException.Reference ref = e.getPath().get(i);
            if (ref.getPropertyName() == null) continue;
            Class<?> owner = ref.from() instanceof Class<?> c ? c : ref.from() == null ? null : ref.from().getClass();
            if (owner == null) return null;
            try {
                return owner.getDeclaredField(camel(ref.getPropertyName()));
            } catch (NoSuchFieldException notThere) {
                return null;
            }
        }
        return null;
    }

    private static String camel(String snake) {
        StringBuilder out = new StringBuilder();
        boolean upper = false;
        for (char c : snake.toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                out.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return out.toString();
    }

    /** What a value of this type must be, in the client's words. */
    static String describe(Class<?> type) {
        if (type == null) return "of another type";
        if (type == Integer.class || type == int.class) return "an integer between " + Integer.MIN_VALUE + " and " + Integer.MAX_VALUE;
        if (type == Long.class || type == long.class) return "an integer between " + Long.MIN_VALUE + " and " + Long.MAX_VALUE;
        if (type == Short.class || type == short.class) return "an integer between " + Short.MIN_VALUE + " and " + Short.MAX_VALUE;
        if (type == Boolean.class || type == boolean.class) return "true or false";
        if (type == String.class) return "a string";
        if (type.isEnum()) return "one of: " + enumValues(type);
        if (Collection.class.isAssignableFrom(type) || type.isArray()) return "an array";
        if (type == java.time.Instant.class || type == java.time.OffsetDateTime.class) return "an ISO-8601 timestamp";
        if (type == java.time.LocalDate.class) return "a date (YYYY-MM-DD)";
        if (Number.class.isAssignableFrom(type) || type.isPrimitive()) return "a number";
        // A request body or a nested object: a record, a bean or a map.
        return "a JSON object";
    }

    static String enumValues(Class<?> type) {
        return Arrays.stream(type.getEnumConstants()).map(c -> c.toString().toLowerCase()).collect(Collectors.joining(", "));
    }

    /** The field as the client wrote it: name.name[index]. */
    static String path(JacksonException e) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference ref : e.getPath()) {
            if (ref.getPropertyName() != null) {
                if (!path.isEmpty()) path.append('.');
                path.append(ref.getPropertyName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    /**
     * Errors the parser raises (rather than a deserializer) carry a partial path or none; the parser's
     * own position names the field exactly (for a duplicate inside metadata: metadata.key).
     */
    private static String pathOrContext(StreamReadException e) {
        if (e.processor() instanceof JsonParser parser && parser.streamReadContext() != null) {
            String pointer = parser.streamReadContext().pathAsPointer().toString();
            if (!pointer.isEmpty()) return fromPointer(pointer);
        }
        return path(e);
    }

    /** /metadata/a/0 → metadata.a[0] (a JSON pointer's numeric segments are array indexes here). */
    static String fromPointer(String pointer) {
        StringBuilder path = new StringBuilder();
        for (String segment : pointer.substring(1).split("/", -1)) {
            String name = segment.replace("~1", "/").replace("~0", "~");
            if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
                path.append('[').append(name).append(']');
            } else {
                if (!path.isEmpty()) path.append('.');
                path.append(name);
            }
        }
        return path.toString();
    }
}
