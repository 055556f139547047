package io.tollgate.payments.mpesa;

import java.util.List;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * M-Pesa exists only when all four Daraja credentials are set. (@ConditionalOnProperty would take
 * the empty defaults in application.properties as "set".) Without it, purchases with mpesa get
 * 400 PAYMENT_METHOD_UNAVAILABLE and /webhooks/mpesa/** is 404.
 */
class MpesaConfigured implements Condition {
    static final List<String> REQUIRED = List.of("tollgate.mpesa.consumer-key", "tollgate.mpesa.consumer-secret",
            "tollgate.mpesa.passkey", "tollgate.mpesa.business-shortcode");

    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
        return REQUIRED.stream().allMatch(name -> {
            String value = context.getEnvironment().getProperty(name);
            return value != null && !value.isBlank();
        });
    }
}
