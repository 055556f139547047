package io.tollgate.platform.internal;

import io.tollgate.platform.EnumValues;
import org.springframework.core.convert.converter.Converter;
import org.springframework.core.convert.converter.ConverterFactory;

/** Query parameters name enum values as the JSON does: lower case, aliases accepted ({@link EnumValues}). */
@SuppressWarnings({"rawtypes", "unchecked"})
class CaseInsensitiveEnumConverter implements ConverterFactory<String, Enum> {
    @Override
    public <T extends Enum> Converter<String, T> getConverter(Class<T> type) {
        return text -> {
            if (text.isBlank()) return null;
            Enum parsed = EnumValues.parse((Class) type, text);
            if (parsed == null) throw new IllegalArgumentException("No " + type.getSimpleName() + " named " + text);
            return (T) parsed;
        };
    }
}
