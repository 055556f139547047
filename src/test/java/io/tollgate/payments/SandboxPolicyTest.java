package io.tollgate.payments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.apps.PricingModel;
import io.tollgate.keys.AppCaller;
import io.tollgate.keys.KeyEnvironment;
import io.tollgate.keys.KeyType;
import io.tollgate.platform.ApiException;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** TOLLGATE_SANDBOX_PAYMENTS: test keys only by default; live keys only when an operator says live (demos). */
class SandboxPolicyTest {

    private static AppCaller caller(KeyEnvironment environment) {
        return new AppCaller("app_x", "org_x", "App", PricingModel.values()[0], "key_x", "Key", "tg_sk_x", KeyType.SECRET, environment, Set.of(), 1000);
    }

    @Test
    void byDefaultOnlyTestKeysMayPayWithTheSandbox() {
        for (String setting : new String[] {"test", "true", " TEST "}) {
            SandboxPolicy policy = new SandboxPolicy(setting);
            assertThatCode(() -> policy.check(ProviderName.SANDBOX, caller(KeyEnvironment.TEST))).doesNotThrowAnyException();
            assertThatThrownBy(() -> policy.check(ProviderName.SANDBOX, caller(KeyEnvironment.LIVE)))
                    .isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.status().value()).isEqualTo(403);
                        assertThat(e.code()).isEqualTo("SANDBOX_NOT_ALLOWED");
                        assertThat(e.getMessage()).contains("TOLLGATE_SANDBOX_PAYMENTS=live");
                    });
            // Real providers are not the sandbox's business.
            assertThatCode(() -> policy.check(ProviderName.STRIPE, caller(KeyEnvironment.LIVE))).doesNotThrowAnyException();
        }
    }

    @Test
    void liveAllowsLiveKeysAndOffOrNonsenseIsTold() {
        assertThatCode(() -> new SandboxPolicy("live").check(ProviderName.SANDBOX, caller(KeyEnvironment.LIVE))).doesNotThrowAnyException();
        assertThat(SandboxPolicy.parse("off")).isEqualTo(SandboxPolicy.Mode.OFF);
        assertThat(SandboxPolicy.parse("false")).isEqualTo(SandboxPolicy.Mode.OFF);
        assertThatThrownBy(() -> SandboxPolicy.parse("yes")).hasMessageContaining("TOLLGATE_SANDBOX_PAYMENTS must be test, live or off");
    }
}
