package io.tollgate.mail.internal;

import io.tollgate.apps.Applications;
import io.tollgate.mail.MailSettings;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The SQL over mail_settings, and the sender name in effect (the app's name unless one is set). */
@Component
public class AppMailSettingsStore {
    /** Mail sent for no app (none today) is signed with this. */
    static final String DEFAULT_SENDER_NAME = "Tollgate";
    private final JdbcClient jdbc;
    private final Applications applications;

    AppMailSettingsStore(JdbcClient jdbc, Applications applications) {
        this.jdbc = jdbc;
        this.applications = applications;
    }

    public MailSettings get(String appId) {
        if (appId == null) return new MailSettings(null, null, null, DEFAULT_SENDER_NAME);
        record Row(String senderName, String replyTo) {}
        Optional<Row> row = jdbc.sql("SELECT sender_name, reply_to FROM mail_settings WHERE app_id = ?").param(appId)
                .query((rs, i) -> new Row(rs.getString(1), rs.getString(2))).optional();
        String senderName = row.map(Row::senderName).orElse(null);
        String effective = senderName != null ? senderName
                : applications.find(appId).map(a -> a.name()).orElse(DEFAULT_SENDER_NAME);
        return new MailSettings(appId, senderName, row.map(Row::replyTo).orElse(null), effective);
    }

    public void put(String appId, String senderName, String replyTo) {
        jdbc.sql("""
                INSERT INTO mail_settings (app_id, sender_name, reply_to) VALUES (?, ?, ?)
                ON CONFLICT (app_id) DO UPDATE SET sender_name = excluded.sender_name, reply_to = excluded.reply_to, updated_at = now()""")
                .params(appId, senderName, replyTo).update();
    }
}
