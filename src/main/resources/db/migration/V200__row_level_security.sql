-- module: platform
-- Row-level security (issue 17, seed 003): PostgreSQL itself keeps each organization's rows from every
-- other organization, even for a query that forgets its WHERE organization_id = ….
--
-- Three roles (README, "Row-level security"):
--   * the migration user (TOLLGATE_DATABASE_USER; embedded: postgres) owns the tables and runs migrations;
--   * ${app_role}, the runtime role: requests acting for one organization. LOGIN, not superuser, no
--     BYPASSRLS, owns nothing, DML only. Each connection it lends has tollgate.organization_id set (and
--     tollgate.application_id for a call made with an app's key), and the policies below compare with it;
--     unset or empty matches no row.
--   * ${system_role}, the system role: BYPASSRLS, for operators, the console and system work (the metering
--     writer's batches hold many organizations, sweeps, reconcilers, webhook delivery).
-- FORCE makes the owner obey the policies too (a superuser still bypasses them).
--
-- Tables without an organization_id reach it through their parent (EXISTS on the parent, whose own policy
-- applies inside the subquery) rather than a copied column: the system role never evaluates a policy, so the
-- metered hot path (written by the metering writer as the system role) pays nothing for these, and no
-- module's INSERT has to learn a new column. The parents' keys are primary keys, so each check is one index
-- probe (docs/ARCHITECTURE.md, "Tenant binding", has the measurement).

-- 1. The roles, when the migration user may create them (an external database's operator creates them
--    beforehand with the SQL in the README; then, or when it may not, nothing here fails).
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${app_role}') THEN
        BEGIN
            CREATE ROLE ${app_role} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE WARNING 'Tollgate: may not create role ${app_role}; an operator must (README, "Row-level security")';
        END;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${system_role}') THEN
        BEGIN
            CREATE ROLE ${system_role} LOGIN NOSUPERUSER BYPASSRLS NOCREATEDB NOCREATEROLE;
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE WARNING 'Tollgate: may not create role ${system_role}; an operator must (README, "Row-level security")';
        END;
    END IF;
END $$;

-- 2. Policies. ORG below is current_setting('tollgate.organization_id', true).

-- 2a. Tables with the organization's id on the row.
DO $$
DECLARE
    t TEXT;
BEGIN
    FOREACH t IN ARRAY ARRAY['applications', 'usage_events', 'usage_sessions', 'usage_daily_orgs', 'usage_daily_tokens', 'media_jobs',
                             'payments', 'invoices', 'integration_connections', 'integration_oauth_states', 'integration_logs',
                             'integration_analytics', 'webhook_endpoints', 'webhook_settings', 'webhook_messages', 'webhook_sources',
                             'webhook_events', 'customer_apps', 'oauth_clients', 'meter_reservations'] LOOP
        EXECUTE format('CREATE POLICY organization_rows ON %I USING (organization_id = current_setting(''tollgate.organization_id'', true))'
                       ' WITH CHECK (organization_id = current_setting(''tollgate.organization_id'', true))', t);
    END LOOP;
END $$;

CREATE POLICY organization_rows ON organizations
    USING (id = current_setting('tollgate.organization_id', true))
    WITH CHECK (id = current_setting('tollgate.organization_id', true));

-- An end user's subscription and an app's daily usage carry the app and may leave the organization empty.
CREATE POLICY organization_rows ON subscriptions
    USING (organization_id = current_setting('tollgate.organization_id', true)
           OR (organization_id IS NULL AND EXISTS (SELECT 1 FROM applications a WHERE a.id = subscriptions.app_id)))
    WITH CHECK (organization_id = current_setting('tollgate.organization_id', true)
           OR (organization_id IS NULL AND EXISTS (SELECT 1 FROM applications a WHERE a.id = subscriptions.app_id)));
CREATE POLICY organization_rows ON usage_daily
    USING (organization_id = current_setting('tollgate.organization_id', true)
           OR (organization_id IS NULL AND EXISTS (SELECT 1 FROM applications a WHERE a.id = usage_daily.app_id)))
    WITH CHECK (organization_id = current_setting('tollgate.organization_id', true)
           OR (organization_id IS NULL AND EXISTS (SELECT 1 FROM applications a WHERE a.id = usage_daily.app_id)));

-- The provider catalog: rows without an organization are the shared catalog (read only); an organization's
-- own providers are its alone.
CREATE POLICY shared_catalog ON integration_providers FOR SELECT USING (organization_id IS NULL);
CREATE POLICY organization_rows ON integration_providers
    USING (organization_id = current_setting('tollgate.organization_id', true))
    WITH CHECK (organization_id = current_setting('tollgate.organization_id', true));

-- 2b. Through the application (app_id): its organization.
DO $$
DECLARE
    t TEXT;
BEGIN
    -- mail_outbox: the platform's own mails (no app) are the mail worker's, system work.
    FOREACH t IN ARRAY ARRAY['api_keys', 'features', 'content_items', 'gateway_features', 'usage_hourly_upstream', 'usage_hourly_latency',
                             'auth_settings', 'oauth_providers', 'oauth_states', 'oauth_grants', 'mail_settings', 'mail_outbox'] LOOP
        EXECUTE format('CREATE POLICY organization_rows ON %1$I USING (EXISTS (SELECT 1 FROM applications a WHERE a.id = %1$I.app_id))'
                       ' WITH CHECK (EXISTS (SELECT 1 FROM applications a WHERE a.id = %1$I.app_id))', t);
    END LOOP;
END $$;

-- 2c. End users' rows: their app's organization, and, for a call made with an app's key, that app only
-- (tollgate.application_id empty: every app of the organization).
DO $$
DECLARE
    t TEXT;
    rule TEXT;
BEGIN
    FOREACH t IN ARRAY ARRAY['end_users', 'auth_sessions', 'usage_daily_users', 'usage_weekly_users', 'user_identities', 'link_proofs',
                             'email_tokens'] LOOP
        rule := format('EXISTS (SELECT 1 FROM applications a WHERE a.id = %1$I.app_id)'
                       ' AND %1$I.app_id = coalesce(nullif(current_setting(''tollgate.application_id'', true), ''''), %1$I.app_id)', t);
        EXECUTE format('CREATE POLICY organization_rows ON %I USING (%s) WITH CHECK (%s)', t, rule, rule);
    END LOOP;
END $$;

-- 2d. Through another parent: a row is visible when its parent row is (the parent's policy applies inside).
DO $$
DECLARE
    rel RECORD;
    rule TEXT;
BEGIN
    FOR rel IN SELECT * FROM (VALUES
            ('refresh_tokens', 'session_id', 'auth_sessions'),
            ('media_files', 'job_id', 'media_jobs'),
            ('subscription_charges', 'subscription_id', 'subscriptions'),
            ('invoice_lines', 'invoice_id', 'invoices'),
            ('payment_refunds', 'payment_id', 'payments'),
            ('integration_credentials', 'connection_id', 'integration_connections'),
            ('integration_oauth_tokens', 'connection_id', 'integration_connections'),
            ('integration_health', 'connection_id', 'integration_connections'),
            ('integration_rate_limits', 'connection_id', 'integration_connections'),
            ('integration_payment_settings', 'connection_id', 'integration_connections'),
            ('integration_shipping_settings', 'connection_id', 'integration_connections'),
            ('integration_social_accounts', 'connection_id', 'integration_connections'),
            ('webhook_endpoint_health', 'endpoint_id', 'webhook_endpoints'),
            -- through the endpoint, not the message: the outbox inserts a message and its deliveries in one statement,
            -- whose policy check cannot see the message yet
            ('webhook_deliveries', 'endpoint_id', 'webhook_endpoints'),
            ('webhook_attempts', 'delivery_id', 'webhook_deliveries'),
            ('ledger_hold_lots', 'hold_id', 'ledger_holds')) AS r (child, fk, parent) LOOP
        rule := format('EXISTS (SELECT 1 FROM %I p WHERE p.id = %I.%I)', rel.parent, rel.child, rel.fk);
        EXECUTE format('CREATE POLICY organization_rows ON %I USING (%s) WITH CHECK (%s)', rel.child, rule, rule);
    END LOOP;
END $$;

-- A gateway feature's sealed upstream credentials: through the feature (keyed feature_id).
CREATE POLICY organization_rows ON gateway_secrets
    USING (EXISTS (SELECT 1 FROM gateway_features f WHERE f.feature_id = gateway_secrets.feature_id))
    WITH CHECK (EXISTS (SELECT 1 FROM gateway_features f WHERE f.feature_id = gateway_secrets.feature_id));

-- 2e. The ledger. A wallet belongs to an organization or to an end user (whose policy names the
-- organization). The platform's system accounts (issuance, revenue, holds…) are the other side of every
-- movement, so a request may read and move their balance; they hold no organization's data, and no
-- request may create or delete one.
CREATE POLICY organization_rows ON ledger_accounts
    USING ((owner_type = 'organization' AND owner_id = current_setting('tollgate.organization_id', true))
           OR (owner_type = 'end_user' AND EXISTS (SELECT 1 FROM end_users u WHERE u.id = ledger_accounts.owner_id)))
    WITH CHECK ((owner_type = 'organization' AND owner_id = current_setting('tollgate.organization_id', true))
           OR (owner_type = 'end_user' AND EXISTS (SELECT 1 FROM end_users u WHERE u.id = ledger_accounts.owner_id)));
CREATE POLICY system_accounts_read ON ledger_accounts FOR SELECT USING (owner_type = 'system');
CREATE POLICY system_accounts_balance ON ledger_accounts FOR UPDATE USING (owner_type = 'system') WITH CHECK (owner_type = 'system');

DO $$
DECLARE
    t TEXT;
    rule TEXT;
BEGIN
    FOREACH t IN ARRAY ARRAY['ledger_holds', 'ledger_lots', 'ledger_debts'] LOOP
        rule := format('EXISTS (SELECT 1 FROM ledger_accounts w WHERE w.id = %I.account_id AND w.owner_type <> ''system'')', t);
        EXECUTE format('CREATE POLICY organization_rows ON %I USING (%s) WITH CHECK (%s)', t, rule, rule);
    END LOOP;
END $$;
-- A transfer is the organization's when one side is one of its wallets (never by a system account alone).
CREATE POLICY organization_rows ON ledger_transfers
    USING (EXISTS (SELECT 1 FROM ledger_accounts w WHERE w.id IN (ledger_transfers.debit_account, ledger_transfers.credit_account)
                   AND w.owner_type <> 'system'))
    WITH CHECK (EXISTS (SELECT 1 FROM ledger_accounts w WHERE w.id IN (ledger_transfers.debit_account, ledger_transfers.credit_account)
                   AND w.owner_type <> 'system'));

-- 2f. Keyed by text that names the owner.
-- Free-tier and plan counters: the payer is the organization or one of its end users.
CREATE POLICY organization_rows ON meter_counters
    USING (payer_id = current_setting('tollgate.organization_id', true)
           OR EXISTS (SELECT 1 FROM end_users u WHERE u.id = meter_counters.payer_id))
    WITH CHECK (payer_id = current_setting('tollgate.organization_id', true)
           OR EXISTS (SELECT 1 FROM end_users u WHERE u.id = meter_counters.payer_id));
-- Replays of idempotent calls, scoped '<kind>:<owner id>' where the owner is one of the organization's apps
-- ('app:app_…') or the organization itself ('catalog:org_…'); operator scopes ('admin', 'console') are system work.
CREATE POLICY organization_rows ON idempotency_keys
    USING (split_part(scope, ':', 2) = current_setting('tollgate.organization_id', true)
           OR EXISTS (SELECT 1 FROM applications a WHERE a.id = split_part(idempotency_keys.scope, ':', 2)))
    WITH CHECK (split_part(scope, ':', 2) = current_setting('tollgate.organization_id', true)
           OR EXISTS (SELECT 1 FROM applications a WHERE a.id = split_part(idempotency_keys.scope, ':', 2)));
-- The audit log: a request may append (its actor is recorded), never read, change or delete.
CREATE POLICY append_only ON audit_log FOR INSERT WITH CHECK (true);

-- 2g. Every table above, and the system-only ones below (no grant to the runtime role at all, and no policy:
-- with RLS forced even a mistaken grant shows nothing), enabled and forced.
DO $$
DECLARE
    t TEXT;
BEGIN
    FOR t IN SELECT DISTINCT tablename FROM pg_policies WHERE schemaname = current_schema() LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY', t);
    END LOOP;
    FOREACH t IN ARRAY ARRAY['payment_events', 'stripe_invoice_payments', 'meter_batches'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY', t);
    END LOOP;
END $$;

-- 3. Privileges, for the roles that exist. Tables made by later migrations get the same by default; a
-- test (RowLevelSecurityCatalogTest) fails until such a table has its policies or is listed as tenant-free.
DO $$
DECLARE
    s TEXT := current_schema();
    app TEXT := '${app_role}';
    sys TEXT := '${system_role}';
    t TEXT;
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = sys) THEN
        EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', s, sys);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO %I', s, sys);
        EXECUTE format('GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA %I TO %I', s, sys);
        EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I', s, sys);
        EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO %I', s, sys);
        -- The metering writer ends its own stuck backends; operators (and fault tests) read pg_stat_activity and settings.
        BEGIN
            EXECUTE format('GRANT pg_signal_backend, pg_monitor TO %I', sys);
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE WARNING 'Tollgate: may not grant pg_signal_backend, pg_monitor to %', sys;
        END;
    END IF;
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = app) THEN
        EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', s, app);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO %I', s, app);
        EXECUTE format('GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA %I TO %I', s, app);
        EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I', s, app);
        EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO %I', s, app);
        -- Platform and operator tables: nothing for a request acting for an organization.
        FOREACH t IN ARRAY ARRAY['flyway_schema_history', 'operators', 'admin_tokens', 'operator_sign_in_failures', 'oauth_signing_keys',
                                 'payment_events', 'stripe_invoice_payments', 'meter_batches'] LOOP
            EXECUTE format('REVOKE ALL ON %I FROM %I', t, app);
        END LOOP;
        -- Shared catalogs: read only.
        EXECUTE format('REVOKE ALL ON settings FROM %I', app); -- fingerprints of keys: read at start-up only, by the system role
        FOREACH t IN ARRAY ARRAY['plans', 'catalog_apps', 'credit_prices', 'stripe_plan_prices'] LOOP
            EXECUTE format('REVOKE INSERT, UPDATE, DELETE ON %I FROM %I', t, app);
        END LOOP;
        EXECUTE format('REVOKE UPDATE, DELETE ON audit_log FROM %I', app);
        -- The weekly roll-up's one-row marker: merging an anonymous user's usage reads it FOR SHARE (which needs UPDATE).
        EXECUTE format('REVOKE INSERT, DELETE ON usage_weekly_progress FROM %I', app);
    END IF;
END $$;
