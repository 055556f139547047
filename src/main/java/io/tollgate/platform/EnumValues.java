package io.tollgate.platform;

import com.fasterxml.jackson.annotation.JsonAlias;
import java.util.Locale;

/**
 * Enum values as the API spells them, read from text the way the JSON reader reads them: case
 * insensitive, and any @JsonAlias of a constant ("credits" for credit) accepted too. Query
 * parameters and console forms use this, so every way in accepts the same words.
 */
public final class EnumValues {
    private EnumValues() {}

    /** The constant named by text, or null when text is blank or names none. */
    public static <E extends Enum<E>> E parse(Class<E> type, String text) {
        if (text == null || text.isBlank()) return null;
        String wanted = text.strip();
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(wanted)) return constant;
        }
        for (E constant : type.getEnumConstants()) {
            try {
                JsonAlias alias = type.getField(constant.name()).getAnnotation(JsonAlias.class);
                if (alias == null) continue;
                for (String name : alias.value()) if (name.equalsIgnoreCase(wanted)) return constant;
            } catch (NoSuchFieldException impossible) {
                throw new IllegalStateException(impossible);
            }
        }
        return null;
    }

    /** The API's spelling of a constant. */
    public static String name(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
