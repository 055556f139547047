package io.tollgate.platform;

import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Several write statements sent to PostgreSQL in one round trip (pgjdbc splits a multi-statement
 * prepared SQL and sends every Parse/Bind/Execute before one Sync), run in the order they were added,
 * in the caller's transaction. Each module still writes its own SQL; whoever runs the transaction
 * decides when the pipeline goes. For statements whose results nobody reads (no RETURNING).
 */
public final class SqlPipeline {
    private final StringBuilder sql = new StringBuilder();
    private final List<Object> params = new ArrayList<>();

    public SqlPipeline add(String statement, Object... values) {
        if (!sql.isEmpty()) sql.append(";\n");
        sql.append(statement);
        for (Object value : values) params.add(value);
        return this;
    }

    public boolean isEmpty() {
        return sql.isEmpty();
    }

    /** Sends everything added so far and starts afresh. */
    public void run(JdbcClient jdbc) {
        if (sql.isEmpty()) return;
        jdbc.sql(sql.toString()).params(params).update();
        sql.setLength(0);
        params.clear();
    }
}
