package io.tollgate.identity.internal;

import io.tollgate.identity.AuthSettings;
import java.sql.Array;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The SQL over auth_settings: one row per app that has any; none means nothing is allowed. */
@Component
class AuthSettingsStore {
    private final JdbcClient jdbc;

    AuthSettingsStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    AuthSettings get(String appId) {
        return jdbc.sql("SELECT redirect_uris, email_verification_url, password_reset_url FROM auth_settings WHERE app_id = ?")
                .param(appId).query((rs, i) -> new AuthSettings(appId, strings(rs.getArray(1)), rs.getString(2), rs.getString(3)))
                .optional().orElse(new AuthSettings(appId, List.of(), null, null));
    }

    void put(AuthSettings settings) {
        jdbc.sql("""
                INSERT INTO auth_settings (app_id, redirect_uris, email_verification_url, password_reset_url) VALUES (?, ?, ?, ?)
                ON CONFLICT (app_id) DO UPDATE SET redirect_uris = excluded.redirect_uris,
                  email_verification_url = excluded.email_verification_url, password_reset_url = excluded.password_reset_url,
                  updated_at = now()""")
                .params(settings.appId(), settings.redirectUris().toArray(String[]::new), settings.emailVerificationUrl(),
                        settings.passwordResetUrl()).update();
    }

    private static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }
}
