package io.tollgate.platform.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.tollgate.ApiTest;
import io.tollgate.platform.Envelope;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessException;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The last line behind validation: real PostgreSQL errors through the real handler. A data exception
 * (SQLSTATE class 22: out of range, bad text) is the caller's input, 400; an integrity violation
 * (class 23) conflicts with stored data, 409.
 */
class DatabaseErrorsTest extends ApiTest {
    @Autowired
    ApiExceptionHandler handler;
    @Autowired
    javax.sql.DataSource dataSource;

    private DataAccessException failing(String sql, Object... params) {
        return catchThrowableOfType(DataAccessException.class, () -> jdbc.sql(sql).params(params).query(String.class).single());
    }

    private static String code(ResponseEntity<Object> response) {
        return ((Envelope<?>) response.getBody()).error().code();
    }

    @Test
    void dataExceptionsAre400AndIntegrityViolations409() {
        ResponseEntity<Object> overflow = handler.database(failing("SELECT ?::timestamptz::text", "294277-01-01T00:00:00Z"));
        assertThat(overflow.getStatusCode().value()).isEqualTo(400);
        assertThat(code(overflow)).isEqualTo("VALIDATION_FAILED");
        ResponseEntity<Object> nul = handler.database(failing("SELECT convert_from('\\x610062'::bytea, 'UTF8')"));
        assertThat(nul.getStatusCode().value()).isEqualTo(400);
        ResponseEntity<Object> range = handler.database(failing("SELECT (?::bigint)::int::text", 99_999_999_999L));
        assertThat(range.getStatusCode().value()).isEqualTo(400);

        ResponseEntity<Object> missing = handler.database(failing("INSERT INTO organizations (id, name) VALUES (NULL, 'x') RETURNING id"));
        assertThat(missing.getStatusCode().value()).isEqualTo(409);
        assertThat(code(missing)).isEqualTo("CONFLICT");
        // Anything else from the database is not the caller's fault.
        assertThat(handler.database(failing("SELECT no_such_column FROM organizations")).getStatusCode().value()).isEqualTo(500);
    }

    /**
     * A write on a connection whose backend was ended, in a transaction as the services run them: the
     * statement fails, then so does the rollback, and Spring reports the rollback's failure. Either
     * way the handler answers 503 DATABASE_UNAVAILABLE with Retry-After, not 500.
     */
    @Test
    void aWriteOnAConnectionWhoseBackendWasEndedIs503() throws Exception {
        try (java.sql.Connection doomed = dataSource.getConnection()) {
            int pid = JdbcClient.create(new SingleConnectionDataSource(doomed, true)).sql("SELECT pg_backend_pid()").query(Integer.class).single();
            assertThat(jdbc.sql("SELECT pg_terminate_backend(?, 10000)").param(pid).query(Boolean.class).single()).isTrue();
            var transactions = new TransactionTemplate(new DataSourceTransactionManager(new SingleConnectionDataSource(doomed, true)));
            Exception failure = catchThrowableOfType(RuntimeException.class, () -> transactions.executeWithoutResult(tx ->
                    JdbcClient.create(new SingleConnectionDataSource(doomed, true)).sql("INSERT INTO organizations (id, name) VALUES ('org_x', 'x')")
                            .update()));
            ResponseEntity<Object> answer = failure instanceof DataAccessException d ? handler.database(d) : handler.unexpected(failure);
            assertThat(answer.getStatusCode().value()).as(failure.toString()).isEqualTo(503);
            assertThat(code(answer)).isEqualTo("DATABASE_UNAVAILABLE");
            assertThat(answer.getHeaders().getFirst("Retry-After")).isEqualTo("2");
        }
    }
}
