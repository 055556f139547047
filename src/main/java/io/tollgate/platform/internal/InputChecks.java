package io.tollgate.platform.internal;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.KeyDeserializer;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.deser.ValueDeserializerModifier;
import tools.jackson.databind.deser.std.DelegatingDeserializer;
import tools.jackson.databind.module.SimpleModule;

/**
 * Values the JSON grammar allows but PostgreSQL cannot store, refused while the body is read so they
 * become a 400 naming the field instead of a database error: text with NUL characters (PostgreSQL
 * text cannot hold U+0000), text with a lone UTF-16 surrogate ("\ud800" escaped without its pair is
 * no character at all: UTF-8 cannot encode it, and the driver would silently store "?" instead) and
 * dates outside years 1–9999 (java.sql.Timestamp overflows near year 292 million, PostgreSQL near
 * 294 thousand; nothing Tollgate stores needs more than four digits).
 */
final class InputChecks {
    static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");
    static final String NUL_MESSAGE = "must not contain NUL (\\u0000) characters";
    static final String DATE_MESSAGE = "must be between years 0001 and 9999";
    static final String SURROGATE_MESSAGE = "must not contain a lone UTF-16 surrogate (\\ud800-\\udfff without its pair)";

    private InputChecks() {}

    static boolean hasNul(String text) {
        return text != null && text.indexOf('\u0000') >= 0;
    }

    /** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
    static boolean hasLoneSurrogate(String text) {
        if (text == null) return false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) return true;
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /** What is wrong with a text value, or null. */
    static String textProblem(String text) {
        if (hasNul(text)) return NUL_MESSAGE;
        if (hasLoneSurrogate(text)) return SURROGATE_MESSAGE;
        return null;
    }

    static boolean inRange(Instant instant) {
        return !instant.isBefore(EARLIEST) && !instant.isAfter(LATEST);
    }

    static SimpleModule module() {
        SimpleModule module = new SimpleModule("tollgate-input-checks");
        module.setDeserializerModifier(new ValueDeserializerModifier() {
            @Override
            public ValueDeserializer<?> modifyDeserializer(DeserializationConfig config, BeanDescription.Supplier description,
                                                           ValueDeserializer<?> deserializer) {
                Class<?> type = deserializer.handledType();
                return type == String.class || dateLike(type) ? new Checked(deserializer) : deserializer;
            }
        });
        module.addKeyDeserializer(String.class, new KeyDeserializer() {
            @Override
            public Object deserializeKey(String key, DeserializationContext context) {
                String problem = textProblem(key);
                if (problem != null) throw new RejectedInput(context.getParser(), "keys " + problem);
                return key;
            }
        });
        return module;
    }

    private static boolean dateLike(Class<?> type) {
        return type == Instant.class || type == OffsetDateTime.class || type == ZonedDateTime.class
                || type == LocalDate.class || type == LocalDateTime.class;
    }

    /** Reads as the standard deserializer does, then looks at the value. */
    private static final class Checked extends DelegatingDeserializer {
        Checked(ValueDeserializer<?> delegate) {
            super(delegate);
        }

        @Override
        protected ValueDeserializer<?> newDelegatingInstance(ValueDeserializer<?> delegate) {
            return new Checked(delegate);
        }

        @Override
        public Object deserialize(JsonParser parser, DeserializationContext context) throws JacksonException {
            return check(parser, super.deserialize(parser, context));
        }

        private static Object check(JsonParser parser, Object value) {
            String problem = switch (value) {
                case String s -> textProblem(s);
                case Instant i -> inRange(i) ? null : DATE_MESSAGE;
                case OffsetDateTime o -> inRange(o.toInstant()) ? null : DATE_MESSAGE;
                case ZonedDateTime z -> inRange(z.toInstant()) ? null : DATE_MESSAGE;
                case LocalDateTime l -> l.getYear() >= 1 && l.getYear() <= 9999 ? null : DATE_MESSAGE;
                case LocalDate d -> d.getYear() >= 1 && d.getYear() <= 9999 ? null : DATE_MESSAGE;
                case null, default -> null;
            };
            if (problem != null) throw new RejectedInput(parser, problem);
            return value;
        }
    }
}
