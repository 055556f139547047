package io.tollgate.operators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.ApiTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** TOLLGATE_ADMIN_EMAIL / TOLLGATE_ADMIN_PASSWORD at start: an owner account that can sign in with that password. */
class OperatorBootstrapTest extends ApiTest {
    @Autowired
    AdminTokens tokens;
    @Autowired
    OperatorAccounts accounts;

    OperatorBootstrap bootstrap(String email, String password) {
        return new OperatorBootstrap(tokens, accounts, ADMIN_TOKEN, email, password);
    }

    @Test
    void theConfiguredOwnerExistsAndItsPasswordIsResetAtEachStart() {
        String email = "boot-" + UUID.randomUUID() + "@example.com";
        bootstrap(email, "first password 1").run(null);
        assertThat(accounts.signIn(email, "first password 1")).isInstanceOfSatisfying(OperatorAccounts.SignIn.Success.class,
                s -> assertThat(s.operator().role()).isEqualTo(OperatorRole.OWNER));
        bootstrap(email, "second password 2").run(null);
        assertThat(accounts.signIn(email, "first password 1")).isInstanceOf(OperatorAccounts.SignIn.Failure.class);
        assertThat(accounts.signIn(email, "second password 2")).isInstanceOf(OperatorAccounts.SignIn.Success.class);
    }

    @Test
    void halfAConfigurationOrAShortPasswordStopsTheStart() {
        assertThatThrownBy(() -> bootstrap("only-email@example.com", "").run(null)).hasMessageContaining("both");
        assertThatThrownBy(() -> bootstrap("short@example.com", "short").run(null)).hasMessageContaining("10 characters");
    }

    @Test
    void withoutConfigurationAndWithOperatorsNothingIsGenerated() {
        long before = accounts.count();
        assertThat(before).isPositive(); // the first start of this test server made admin@tollgate.local or a test made others
        bootstrap("", "").run(null);
        assertThat(accounts.count()).isEqualTo(before);
    }
}
