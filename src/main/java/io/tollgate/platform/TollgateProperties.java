package io.tollgate.platform;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings every module may read. Environment variable names (TOLLGATE_DATA_DIR, …) are mapped onto
 * these in application.properties, which is the one list of them.
 */
@ConfigurationProperties("tollgate")
public record TollgateProperties(Path dataDir, Database database, boolean demo, long maxBodyBytes) {

    public record Database(String url, String user, String password, int poolSize, int embeddedPort) {
        public boolean embedded() { return url == null || url.isBlank(); }
    }

    public boolean embeddedDatabase() { return database.embedded(); }
}
