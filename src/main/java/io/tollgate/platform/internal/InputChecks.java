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
 * text cannot hold U+0000) and dates outside years 1–9999 (java.sql.Timestamp overflows near year
 * 292 million, PostgreSQL near 294 thousand; nothing Tollgate stores needs more than four digits).
 */
final class InputChecks {
    static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");
    static final String NUL_MESSAGE = "must not contain NUL (\\u0000) characters";
    static final String DATE_MESSAGE = "must be between years 0001 and 9999";

    private InputChecks() {}

    static boolean hasNul(String text) {
        return text != null && text.indexOf('\u0000') >= 0;
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
                if (hasNul(key)) throw new RejectedInput(context.getParser(), "keys " + NUL_MESSAGE);
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
                case String s -> hasNul(s) ? NUL_MESSAGE : null;
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
