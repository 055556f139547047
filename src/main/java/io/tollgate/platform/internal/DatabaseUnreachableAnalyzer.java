package io.tollgate.platform.internal;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** A start that gave up waiting for PostgreSQL says so in two lines instead of a stack trace. */
class DatabaseUnreachableAnalyzer extends AbstractFailureAnalyzer<DirectConnections.DatabaseUnreachableException> {
    @Override
    protected FailureAnalysis analyze(Throwable root, DirectConnections.DatabaseUnreachableException cause) {
        return new FailureAnalysis(cause.getMessage(), "Start PostgreSQL, check TOLLGATE_DATABASE_URL, _USER and _PASSWORD, "
                + "or wait longer with TOLLGATE_DATABASE_STARTUP_WAIT_SECONDS.", cause);
    }
}
