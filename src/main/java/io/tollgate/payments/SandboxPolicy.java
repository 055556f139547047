package io.tollgate.payments;

import io.tollgate.keys.AppCaller;
import io.tollgate.keys.KeyEnvironment;
import io.tollgate.platform.ApiException;
import java.util.Locale;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Who may pay with the sandbox, which grants credits for nothing (TOLLGATE_SANDBOX_PAYMENTS):
 * {@code test} (the default; {@code true} means the same) — calls with test keys (tg_…_test_…) and
 * operators; {@code live} — live keys too, for demos only; {@code off} ({@code false}) — nobody.
 * Renewals of a subscription started with the sandbox keep using it: its first payment passed here.
 */
@Component
public class SandboxPolicy {
    enum Mode { OFF, TEST, LIVE }

    private final Mode mode;

    SandboxPolicy(@Value("${tollgate.payments.sandbox}") String setting) {
        this.mode = parse(setting);
    }

    static Mode parse(String setting) {
        return switch (setting == null ? "" : setting.strip().toLowerCase(Locale.ROOT)) {
            case "test", "true" -> Mode.TEST;
            case "live" -> Mode.LIVE;
            case "off", "false" -> Mode.OFF;
            default -> throw new IllegalStateException("TOLLGATE_SANDBOX_PAYMENTS must be test, live or off (not '" + setting + "')");
        };
    }

    /** Refuses the sandbox to a live key (403 SANDBOX_NOT_ALLOWED) unless live sandbox payments are allowed; other methods pass. */
    public void check(ProviderName method, AppCaller caller) {
        if (method != ProviderName.SANDBOX || mode != Mode.TEST || caller.environment() == KeyEnvironment.TEST) return;
        throw new ApiException(HttpStatus.FORBIDDEN, "SANDBOX_NOT_ALLOWED",
                "Sandbox payments are for test keys (tg_sk_test_…, tg_pk_test_…); this is a live key. Pay with stripe or mpesa, "
                        + "or use a test key (operators may allow live sandbox payments for a demo with TOLLGATE_SANDBOX_PAYMENTS=live)");
    }

    /** The sandbox provider exists unless TOLLGATE_SANDBOX_PAYMENTS is off. */
    static class Enabled implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return parse(context.getEnvironment().getProperty("tollgate.payments.sandbox", "test")) != Mode.OFF;
        }
    }
}
