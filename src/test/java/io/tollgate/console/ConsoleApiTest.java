package io.tollgate.console;

import io.tollgate.ApiTest;
import io.tollgate.operators.OperatorAccounts;
import io.tollgate.operators.OperatorRole;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;

/** Base of the console's plain-HTTP tests: the shared test server, and a client signed in as a new admin. */
abstract class ConsoleApiTest extends ApiTest {
    @Autowired
    protected OperatorAccounts accounts;
    protected ConsoleClient console;

    @BeforeEach
    void signInAsAdmin() {
        console = ConsoleClient.signedIn(port, accounts, OperatorRole.ADMIN);
    }
}
