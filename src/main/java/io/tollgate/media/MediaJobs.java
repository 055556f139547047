package io.tollgate.media;

import io.tollgate.platform.Ids;
import io.tollgate.platform.Json;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The job table and the queue in it. Every state change is a compare-and-set on status (and, for a
 * worker, on claimed_by), so whoever changes a job's status from unfinished to finished is the one
 * that settles its hold: exactly once, whatever crashes or races in between.
 */
@Component
class MediaJobs {
    private final JdbcClient jdbc;
    private final Json json;

    MediaJobs(JdbcClient jdbc, Json json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    record NewJob(String id, String appId, String organizationId, String endUserId, String apiKeyId, MediaKind kind, String feature,
                  String prompt, Map<String, Object> params, String backend, String upstreamUrl, String ticketJson, int timeoutSeconds) {}

    /** A job a worker now owns, and how long it has left by the database's clock. */
    record Claimed(MediaJob job, long remainingMillis) {}

    /** A job that just ended, with what settling it needs. */
    /** job: the row as the ending left it. */
    record Ended(MediaJob job, String ticketJson, int durationMs) {}

    /** Runs inside the metering transaction, so the job exists exactly when its hold does. */
    void insert(NewJob j) {
        jdbc.sql("""
                INSERT INTO media_jobs (id, app_id, organization_id, end_user_id, api_key_id, feature, kind, prompt, params, backend,
                  upstream_url, ticket, deadline_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?::jsonb, now() + make_interval(secs => ?))""")
                .params(j.id(), j.appId(), j.organizationId(), j.endUserId(), j.apiKeyId(), j.feature(), j.kind().wire(), j.prompt(),
                        json.write(j.params()), j.backend(), j.upstreamUrl(), j.ticketJson(), j.timeoutSeconds())
                .update();
    }

    Optional<MediaJob> find(String id) {
        if (!Ids.looksLike("job", id)) return Optional.empty();
        return jdbc.sql("SELECT * FROM media_jobs WHERE id = ?").param(id).query(this::map).optional();
    }

    long openJobs(String appId) {
        return jdbc.sql("SELECT count(*) FROM media_jobs WHERE app_id = ? AND status IN ('queued', 'running')").param(appId)
                .query(Long.class).single();
    }

    /** The oldest queued job still within its deadline, now running on this node; SKIP LOCKED lets nodes claim side by side. */
    Optional<Claimed> claim(String nodeId) {
        return jdbc.sql("""
                UPDATE media_jobs SET status = 'running', started_at = now(), claimed_by = ?, attempts = attempts + 1
                WHERE status = 'queued' AND id = (SELECT id FROM media_jobs WHERE status = 'queued' AND deadline_at > clock_timestamp()
                                                  ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
                RETURNING *, greatest(0, extract(epoch FROM deadline_at - clock_timestamp()) * 1000)::bigint AS remaining_ms""")
                .param(nodeId)
                .query((rs, i) -> new Claimed(map(rs, i), rs.getLong("remaining_ms"))).optional();
    }

    void progress(String id, String nodeId, int percent) {
        jdbc.sql("UPDATE media_jobs SET progress = ? WHERE id = ? AND status = 'running' AND claimed_by = ? AND progress < ?")
                .params(percent, id, nodeId, percent).update();
    }

    /** running → succeeded, only for the claiming node and only before the deadline. Empty: the job is no longer ours to finish. */
    Optional<Ended> succeed(String id, String nodeId, Map<String, Object> result) {
        return jdbc.sql("""
                UPDATE media_jobs SET status = 'succeeded', progress = 100, result = ?::jsonb, error = NULL, finished_at = now()
                WHERE id = ? AND status = 'running' AND claimed_by = ? AND deadline_at > clock_timestamp()
                RETURNING *, """ + DURATION_MS)
                .params(json.write(result), id, nodeId).query(this::ended).optional();
    }

    /**
     * queued|running → failed|timed_out. nodeId null: whoever holds it (the recovery sweep, for jobs
     * whose node stopped); otherwise only if that node still holds it.
     */
    Optional<Ended> end(String id, String nodeId, String status, String error) {
        return jdbc.sql("""
                UPDATE media_jobs SET status = ?, error = left(?, 500), finished_at = now()
                WHERE id = ? AND status IN ('queued', 'running') AND (cast(? AS text) IS NULL OR claimed_by = ?)
                RETURNING *, """ + DURATION_MS)
                .params(status, error, id, nodeId, nodeId).query(this::ended).optional();
    }

    /** Unfinished jobs past their deadline, oldest first. */
    List<String> overdue(int limit) {
        return jdbc.sql("""
                SELECT id FROM media_jobs WHERE status IN ('queued', 'running') AND deadline_at <= clock_timestamp()
                ORDER BY deadline_at LIMIT ?""").param(limit).query(String.class).list();
    }

    /** On a clean stop: this node's running jobs go back to the queue for another node (or the next start). */
    int requeue(String nodeId) {
        return jdbc.sql("""
                UPDATE media_jobs SET status = 'queued', claimed_by = NULL, started_at = NULL, progress = 0
                WHERE status = 'running' AND claimed_by = ? AND deadline_at > clock_timestamp()""").param(nodeId).update();
    }

    private static final String DURATION_MS = "least(2147483647, extract(epoch FROM clock_timestamp() - created_at) * 1000)::int AS duration_ms";

    private Ended ended(ResultSet rs, int row) throws SQLException {
        return new Ended(map(rs, row), rs.getString("ticket"), rs.getInt("duration_ms"));
    }

    private MediaJob map(ResultSet rs, int row) throws SQLException {
        String result = rs.getString("result");
        return new MediaJob(rs.getString("id"), rs.getString("app_id"), rs.getString("organization_id"), rs.getString("end_user_id"),
                rs.getString("api_key_id"), rs.getString("feature"), MediaKind.valueOf(rs.getString("kind").toUpperCase()),
                rs.getString("status"), rs.getInt("progress"), rs.getString("prompt"), new LinkedHashMap<>(json.readMap(rs.getString("params"))),
                rs.getString("backend"), rs.getString("upstream_url"), rs.getString("ticket"), result == null ? null : json.readMap(result),
                rs.getString("error"), rs.getInt("attempts"), instant(rs, "deadline_at"), instant(rs, "created_at"),
                instant(rs, "started_at"), instant(rs, "finished_at"), rs.getString("claimed_by"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
