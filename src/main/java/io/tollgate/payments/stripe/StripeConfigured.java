package io.tollgate.payments.stripe;

import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/** Stripe is on when STRIPE_SECRET_KEY is set (an empty value means off, which a plain property condition would not). */
class StripeConfigured implements Condition {
    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
        return StringUtils.hasText(context.getEnvironment().getProperty("tollgate.stripe.secret-key"));
    }

    /** The opposite: Stripe is off. */
    static final class Off implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return !new StripeConfigured().matches(context, metadata);
        }
    }
}
