package io.tollgate.console;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Runs a request record's bean-validation rules (the same the admin API applies) and reports them per
 * field, and refuses control characters in its text, which would otherwise reach PostgreSQL.
 */
@Component
class Checks {
    private final Validator validator;

    Checks(Validator validator) {
        this.validator = validator;
    }

    void validate(Object request, Map<String, String> errors) {
        for (ConstraintViolation<Object> v : validator.validate(request)) {
            String field = snake(v.getPropertyPath().toString().replaceAll("\\[.*", ""));
            errors.merge(field, v.getMessage(), (a, b) -> a + "; " + b);
        }
        if (request.getClass().isRecord()) {
            for (RecordComponent component : request.getClass().getRecordComponents()) {
                if (hasControlCharacters(value(component, request))) errors.put(snake(component.getName()), Forms.CONTROL_MESSAGE);
            }
        }
    }

    private static boolean hasControlCharacters(Object value) {
        if (value instanceof String text) return Forms.hasControlCharacters(text);
        if (value instanceof Collection<?> items) return items.stream().anyMatch(Checks::hasControlCharacters);
        return false;
    }

    private static Object value(RecordComponent component, Object record) {
        try {
            return component.getAccessor().invoke(record);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + component.getName(), e);
        }
    }

    static String snake(String name) {
        return io.tollgate.platform.JsonBodies.fieldName(name);
    }
}
