package io.tollgate.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.operators.OperatorAccounts;
import io.tollgate.operators.OperatorRole;
import io.tollgate.platform.FaultyDatabaseTest;
import io.tollgate.platform.PostgresControl;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * With PostgreSQL stopped, a signed-in operator's next page is the console's own "database not
 * reachable" page: 503 with Retry-After, HTML in the console's style, no JSON and no stack trace; and
 * the console works again once the database is back, in the same session.
 */
class ConsoleDatabaseUnavailableTest extends FaultyDatabaseTest {
    @Autowired
    OperatorAccounts accounts;

    @Test
    void theConsoleShowsItsOwnPageWhileTheDatabaseIsDown() throws Exception {
        ConsoleClient console = ConsoleClient.signedIn(port, accounts, OperatorRole.VIEWER);
        assertThat(console.get("/console/organizations").status()).isEqualTo(200);
        PostgresControl postgres = postgres();
        postgres.stop();
        try {
            awaitReadiness(port, 503);
            ConsoleClient.Page page = console.get("/console/organizations");
            assertThat(page.status()).isEqualTo(503);
            assertThat(page.response().headers().firstValue("Retry-After")).isPresent();
            assertThat(page.response().headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
            assertThat(page.body()).contains("The database is not reachable").contains("console.css").doesNotContain("Exception");
        } finally {
            postgres.start();
        }
        awaitReadiness(port, 200);
        assertThat(console.get("/console/organizations").status()).isEqualTo(200);
    }
}
