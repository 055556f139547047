package io.tollgate.ledger;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A schema of its own with empty copies of the ledger tables (constraints, indexes, keys, the immutability
 * trigger, the system accounts) and a pool whose connections use it: a test's ledger alone, so sums over
 * it mean that test's movements and nothing else.
 */
final class LedgerSchemas {
    static final List<String> TABLES =
            List.of("ledger_accounts", "ledger_transfers", "ledger_holds", "ledger_lots", "ledger_debts", "ledger_hold_lots");

    private LedgerSchemas() {}

    /** tables: a prefix of {@link #TABLES} (each references only the ones before it). */
    static HikariDataSource isolated(javax.sql.DataSource application, String schema, List<String> tables, int poolSize) {
        // Schemas and tables are the owner's to make (the application's roles may only read and write rows).
        JdbcClient jdbc = io.tollgate.OwnerDatabase.jdbc(application);
        HikariDataSource base;
        try {
            base = application.unwrap(HikariDataSource.class);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        jdbc.sql("DROP SCHEMA IF EXISTS " + schema + " CASCADE").update();
        jdbc.sql("CREATE SCHEMA " + schema).update();
        for (String table : tables) {
            jdbc.sql("CREATE TABLE " + schema + "." + table + " (LIKE public." + table + " INCLUDING ALL)").update();
        }
        jdbc.sql("ALTER TABLE " + schema + ".ledger_transfers ADD FOREIGN KEY (debit_account) REFERENCES " + schema + ".ledger_accounts (id),"
                + " ADD FOREIGN KEY (credit_account) REFERENCES " + schema + ".ledger_accounts (id)").update();
        for (String table : List.of("ledger_holds", "ledger_lots", "ledger_debts")) {
            jdbc.sql("ALTER TABLE " + schema + "." + table + " ADD FOREIGN KEY (account_id) REFERENCES " + schema + ".ledger_accounts (id)").update();
        }
        if (tables.contains("ledger_hold_lots")) {
            jdbc.sql("ALTER TABLE " + schema + ".ledger_hold_lots ADD FOREIGN KEY (hold_id) REFERENCES " + schema + ".ledger_holds (id),"
                    + " ADD FOREIGN KEY (lot_id) REFERENCES " + schema + ".ledger_lots (id)").update();
        }
        jdbc.sql("CREATE TRIGGER immutable BEFORE UPDATE OR DELETE ON " + schema + ".ledger_transfers FOR EACH ROW"
                + " EXECUTE FUNCTION public.ledger_transfers_immutable()").update();
        jdbc.sql("INSERT INTO " + schema + ".ledger_accounts (id, kind, owner_type, owner_id) SELECT id, kind, owner_type, owner_id"
                + " FROM public.ledger_accounts WHERE kind = 'system'").update();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(base.getJdbcUrl());
        config.setUsername("postgres"); // the owner of the schema's tables
        config.setMaximumPoolSize(poolSize);
        config.setConnectionInitSql("SET search_path TO " + schema);
        return new HikariDataSource(config);
    }
}
