package io.tollgate.platform.internal;

import java.util.Locale;
import org.springframework.core.convert.converter.Converter;
import org.springframework.core.convert.converter.ConverterFactory;

@SuppressWarnings({"rawtypes", "unchecked"})
class CaseInsensitiveEnumConverter implements ConverterFactory<String, Enum> {
    @Override
    public <T extends Enum> Converter<String, T> getConverter(Class<T> type) {
        return text -> text.isBlank() ? null : (T) Enum.valueOf(type, text.trim().toUpperCase(Locale.ROOT));
    }
}
