package io.tollgate.console;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.util.Map;
import org.springframework.stereotype.Component;

/** Runs a request record's bean-validation rules (the same the admin API applies) and reports them per field. */
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
    }

    static String snake(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase();
    }
}
