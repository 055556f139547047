package io.tollgate.platform.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.ApiTest;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A database migrated before the migrations got their '-- module:' header lines still starts: exactly
 * that change of an applied migration is accepted, and any other edit still fails Flyway's validation.
 */
class MigrationHeadersTest extends ApiTest {
    private static final String SCHEMA = "migration_headers_test";

    @Autowired
    DataSource dataSource;

    private Flyway flyway() {
        return Flyway.configure().dataSource(io.tollgate.OwnerDatabase.dataSource(dataSource)).schemas(SCHEMA).defaultSchema(SCHEMA).createSchemas(false)
                .locations("classpath:db/migration").load();
    }

    @Test
    void ourChecksumIsFlywaysAndTheHeaderIsAllThatIsForgiven() {
        Flyway flyway = flyway();
        // Schemas and tables are the owner's to make, not the application's roles'.
        org.springframework.jdbc.core.simple.JdbcClient jdbc = io.tollgate.OwnerDatabase.jdbc(dataSource);
        // Our checksum agrees with what Flyway stored for every migration this test database applied.
        List<Map<String, Object>> applied = jdbc.sql("SELECT script, checksum FROM public.flyway_schema_history WHERE type = 'SQL'").query().listOfRows();
        assertThat(applied).isNotEmpty();
        for (Map<String, Object> row : applied) {
            List<String> lines = MigrationHeaders.read(flyway.getConfiguration(), (String) row.get("script")).orElseThrow();
            assertThat(MigrationHeaders.checksum(lines)).as((String) row.get("script")).isEqualTo(row.get("checksum"));
        }

        // A history written before the header lines: every checksum as of the file without them.
        jdbc.sql("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE").update();
        jdbc.sql("CREATE SCHEMA " + SCHEMA).update();
        jdbc.sql("CREATE TABLE " + SCHEMA + ".flyway_schema_history AS SELECT * FROM public.flyway_schema_history").update();
        for (Map<String, Object> row : applied) {
            String script = (String) row.get("script");
            List<String> withoutHeader = MigrationHeaders.read(flyway.getConfiguration(), script).orElseThrow().stream()
                    .filter(l -> !l.startsWith("-- module:")).toList();
            jdbc.sql("UPDATE " + SCHEMA + ".flyway_schema_history SET checksum = ? WHERE script = ?")
                    .params(MigrationHeaders.checksum(withoutHeader), script).update();
        }
        // And one migration edited otherwise since it was applied.
        jdbc.sql("UPDATE " + SCHEMA + ".flyway_schema_history SET checksum = checksum # 1 WHERE script = 'V3__applications.sql'").update();
        assertThat(flyway.validateWithResult().validationSuccessful).as("the old history fails as it stands").isFalse();

        int accepted = MigrationHeaders.acceptModuleHeaders(flyway);
        assertThat(accepted).as("all but the edited one").isEqualTo(applied.size() - 1);
        var result = flyway.validateWithResult();
        assertThat(result.validationSuccessful).isFalse();
        assertThat(result.invalidMigrations).singleElement().satisfies(m -> assertThat(m.filepath).endsWith("V3__applications.sql"));

        // Undo that edit: now V3 too is only missing its header.
        jdbc.sql("UPDATE " + SCHEMA + ".flyway_schema_history SET checksum = checksum # 1 WHERE script = 'V3__applications.sql'").update();
        assertThat(MigrationHeaders.acceptModuleHeaders(flyway)).isEqualTo(1);
        assertThat(flyway.validateWithResult().validationSuccessful).isTrue();
        assertThat(MigrationHeaders.acceptModuleHeaders(flyway)).as("nothing left to accept").isZero();
        jdbc.sql("DROP SCHEMA " + SCHEMA + " CASCADE").update();
    }
}
