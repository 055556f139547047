package io.tollgate.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.tollgate.ApiTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.servlet.ModelAndView;

/** The console's net under its forms sorts real PostgreSQL refusals as the API does: bad values 400, conflicts 409. */
class ConsoleDatabaseErrorsTest extends ApiTest {
    @Autowired
    ConsoleAdvice advice;

    private DataIntegrityViolationException failing(String sql, Object... params) {
        return catchThrowableOfType(DataIntegrityViolationException.class, () -> jdbc.sql(sql).params(params).query(String.class).list());
    }

    private static int status(ModelAndView view, MockHttpServletResponse response) {
        assertThat(view.getModel().get("status")).isEqualTo(response.getStatus());
        return response.getStatus();
    }

    @Test
    void aDuplicateIsAConflictAndABadValueIsMalformed() {
        String org = createOrganization();
        MockHttpServletResponse duplicate = new MockHttpServletResponse();
        ModelAndView conflict = advice.unstorable(failing("INSERT INTO organizations (id, name) VALUES (?, 'again') RETURNING id", org), duplicate);
        assertThat(status(conflict, duplicate)).isEqualTo(409);

        MockHttpServletResponse overflow = new MockHttpServletResponse();
        ModelAndView malformed = advice.unstorable(failing("SELECT ?::timestamptz::text", "294277-01-01T00:00:00Z"),
                overflow);
        assertThat(status(malformed, overflow)).isEqualTo(400);
    }

    /** No connection to begin a transaction with (not a DataAccessException): the database-unavailable page, not a 500. */
    @Test
    void noConnectionIsTheUnavailablePageNotA500() throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        ModelAndView view = advice.unexpected(new org.springframework.transaction.CannotCreateTransactionException("no connection",
                new java.sql.SQLTransientConnectionException("PostgreSQL is not reachable", "08001")), response);
        assertThat(view).isNull();
        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(response.getHeader("Retry-After")).isNotNull();
        assertThat(response.getContentAsString()).contains("The database is not reachable");
    }
}
