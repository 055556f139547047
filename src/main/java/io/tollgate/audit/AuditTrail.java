package io.tollgate.audit;

import io.tollgate.platform.Actor;
import io.tollgate.platform.Ids;
import io.tollgate.platform.Json;
import io.tollgate.platform.RequestContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Records operator changes. Call it inside the transaction that makes the change, so the change and
 * its record commit together or not at all.
 */
@Service
public class AuditTrail {
    private final JdbcClient jdbc;
    private final Json json;

    AuditTrail(JdbcClient jdbc, Json json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** @param before the object as the API showed it before the change, or null when created */
    public void record(String action, String targetType, String targetId, Object before, Object after) {
        Actor actor = RequestContext.actor();
        jdbc.sql("""
                INSERT INTO audit_log (id, actor_type, actor_id, action, target_type, target_id, before, after, request_id)
                VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?)""")
                .params(Ids.next("aud"), actor.type(), actor.id(), action, targetType, targetId,
                        json.write(before), json.write(after), RequestContext.requestId())
                .update();
    }
}
