#!/usr/bin/env bash
# Seeds a large usage history into a RUNNING Tollgate's database and times every console dashboard.
#
#   TOLLGATE_URL=http://localhost:8080 \
#   DATABASE_URL=postgresql://postgres@localhost:5432/postgres \
#   CONSOLE_EMAIL=owner@example.com CONSOLE_PASSWORD='…' \
#   bench/console-dashboards.sh            # seed (once) and time
#   bench/console-dashboards.sh --clean    # remove the bench data again
#
# With the embedded database, start Tollgate with TOLLGATE_EMBEDDED_DB_PORT=5432 (any free port) so psql
# can reach it; the embedded server trusts local connections as user postgres.
#
# The seed is plain SQL: EVENTS usage events (default 1,000,000) over DAYS days, APPS apps with
# USERS_PER_APP end users each, four features, ~3% errors, then the daily rollups (usage_daily,
# usage_daily_users) built from them exactly as the metering writer keeps them, and the closed weeks
# folded into usage_weekly_users as the background WeeklyUserRollup does. All bench rows carry
# ids with "0bench" in them (org_0bench…, app_0bench…, usr_0bench…), so --clean removes only them.
# Each page is fetched RUNS times after one warm-up; the script prints the median and the slowest, and
# flags any median over TARGET_MS (300).
set -euo pipefail

TOLLGATE_URL=${TOLLGATE_URL:-http://localhost:8080}
DATABASE_URL=${DATABASE_URL:-postgresql://postgres@localhost:5432/postgres}
EVENTS=${EVENTS:-1000000}
DAYS=${DAYS:-90}
APPS=${APPS:-5}
USERS_PER_APP=${USERS_PER_APP:-500}
RUNS=${RUNS:-7}
TARGET_MS=${TARGET_MS:-300}

command -v psql >/dev/null || { echo "psql is needed (Debian package postgresql-client)" >&2; exit 1; }
command -v curl >/dev/null || { echo "curl is needed" >&2; exit 1; }
PSQL=(psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -q -X)

clean() {
  "${PSQL[@]}" <<'SQL'
DELETE FROM usage_weekly_users WHERE app_id LIKE 'app\_0bench%';
DELETE FROM usage_daily_users WHERE app_id LIKE 'app\_0bench%';
DELETE FROM usage_daily WHERE app_id LIKE 'app\_0bench%';
DELETE FROM usage_events WHERE app_id LIKE 'app\_0bench%';
DELETE FROM end_users WHERE app_id LIKE 'app\_0bench%';
DELETE FROM applications WHERE id LIKE 'app\_0bench%';
DELETE FROM organizations WHERE id LIKE 'org\_0bench%';
SQL
  echo "bench data removed"
}

if [ "${1:-}" = "--clean" ]; then clean; exit 0; fi

existing=$("${PSQL[@]}" -At -c "SELECT count(*) FROM usage_events WHERE app_id LIKE 'app\_0bench%'")
if [ "$existing" -ge "$EVENTS" ]; then
  echo "bench data present: $existing usage events (run with --clean to start over)"
else
  [ "$existing" -gt 0 ] && clean
  echo "seeding $EVENTS usage events over $DAYS days, $APPS apps, $USERS_PER_APP end users per app …"
  start=$(date +%s)
  "${PSQL[@]}" -v events="$EVENTS" -v days="$DAYS" -v apps="$APPS" -v users="$USERS_PER_APP" <<'SQL'
BEGIN;
INSERT INTO organizations (id, name, billing_email) VALUES ('org_0bench00000000000000000001', 'Bench Org', 'bench@example.com');
INSERT INTO applications (id, organization_id, name, app_type, app_identifier, status, pricing_model)
SELECT 'app_0bench' || lpad(a::text, 20, '0'), 'org_0bench00000000000000000001', 'Bench App ' || a, 'api',
       'bench.app.' || a, 'active', 'credit'
FROM generate_series(1, :apps) a;
INSERT INTO end_users (id, app_id, kind, external_user_id, created_at)
SELECT 'usr_0bench' || lpad(((a - 1) * :users + u)::text, 20, '0'), 'app_0bench' || lpad(a::text, 20, '0'), 'external',
       'bench-user-' || u, now() - u * interval '1 minute'
FROM generate_series(1, :apps) a, generate_series(1, :users) u;

-- One row per call. Users are skewed (a few heavy users, a long tail), features and days spread out.
INSERT INTO usage_events (app_id, organization_id, api_key_id, end_user_id, feature, endpoint, method, response_status,
                          pricing, credits_used, charge_minor, cost_minor, currency, duration_ms, created_at)
SELECT 'app_0bench' || lpad((1 + g % :apps)::text, 20, '0'),
       'org_0bench00000000000000000001',
       NULL,
       'usr_0bench' || lpad(((g % :apps) * :users + 1 + floor(:users * power(random(), 2))::int)::text, 20, '0'),
       f.name,
       '/api/v1/' || f.name,
       'POST',
       CASE WHEN random() < 0.03 THEN 500 ELSE 200 END,
       f.pricing,
       f.credits,
       f.price,
       f.price / 4,
       f.currency,
       20 + (random() * 400)::int,
       now() - random() * :days * interval '1 day'
FROM generate_series(1, :events) g
JOIN LATERAL (VALUES (0, 'image_generation', 'credit', 10, 0, NULL),
                     (1, 'content_view', 'free', 0, 0, NULL),
                     (2, 'video_generation', 'credit', 50, 0, NULL),
                     (3, 'translate', 'per_request', 0, 5, 'USD')) AS f(n, name, pricing, credits, price, currency)
  ON f.n = (g * 7) % 4;

-- The rollups the dashboards read, built from those events the way the metering writer maintains them.
INSERT INTO usage_daily AS u (app_id, day, feature, currency, organization_id, calls, errors, credits_used, charge_minor,
                              cost_minor, duration_ms_sum, charged_calls)
SELECT app_id, (created_at AT TIME ZONE 'UTC')::date, feature, coalesce(currency, 'XXX'), organization_id, count(*),
       count(*) FILTER (WHERE response_status >= 400), sum(credits_used), sum(charge_minor), sum(cost_minor),
       sum(duration_ms), count(*) FILTER (WHERE charge_minor > 0)
FROM usage_events WHERE app_id LIKE 'app\_0bench%' GROUP BY 1, 2, 3, 4, 5
ON CONFLICT (app_id, day, feature, currency) DO UPDATE SET calls = u.calls + excluded.calls, errors = u.errors + excluded.errors,
  credits_used = u.credits_used + excluded.credits_used, charge_minor = u.charge_minor + excluded.charge_minor,
  cost_minor = u.cost_minor + excluded.cost_minor, duration_ms_sum = u.duration_ms_sum + excluded.duration_ms_sum,
  charged_calls = u.charged_calls + excluded.charged_calls;
INSERT INTO usage_daily_users AS u (app_id, day, end_user_id, feature, calls, credits_used, charge_minor, errors)
SELECT app_id, (created_at AT TIME ZONE 'UTC')::date, end_user_id, feature, count(*), sum(credits_used), sum(charge_minor),
       count(*) FILTER (WHERE response_status >= 400)
FROM usage_events WHERE app_id LIKE 'app\_0bench%' AND end_user_id IS NOT NULL GROUP BY 1, 2, 3, 4
ON CONFLICT (app_id, day, end_user_id, feature) DO UPDATE SET calls = u.calls + excluded.calls,
  credits_used = u.credits_used + excluded.credits_used, charge_minor = u.charge_minor + excluded.charge_minor,
  errors = u.errors + excluded.errors;
-- Closed weeks folded into the weekly per-user rollup, exactly as WeeklyUserRollup does (a week is closed a day
-- after its Sunday, UTC; folding a week recomputes it from usage_daily_users, so doing it here too is harmless).
CREATE TEMP TABLE bench_weeks AS
SELECT generate_series(date_trunc('week', min(day))::date, date_trunc('week', (now() AT TIME ZONE 'UTC')::date - 7)::date,
                       interval '1 week')::date AS week
FROM usage_daily_users WHERE app_id LIKE 'app\_0bench%';
DELETE FROM usage_weekly_users WHERE week IN (SELECT week FROM bench_weeks);
INSERT INTO usage_weekly_users (week, app_id, end_user_id, calls, errors, credits_used, charge_minor)
SELECT w.week, d.app_id, d.end_user_id, sum(d.calls), sum(d.errors), sum(d.credits_used), sum(d.charge_minor)
FROM bench_weeks w JOIN usage_daily_users d ON d.day BETWEEN w.week AND w.week + 6 GROUP BY 1, 2, 3;
UPDATE usage_weekly_progress SET through = greatest(coalesce(through, '-infinity'::date), (SELECT max(week) FROM bench_weeks));
COMMIT;
ANALYZE usage_events;
ANALYZE usage_daily;
ANALYZE usage_daily_users;
ANALYZE usage_weekly_users;
ANALYZE end_users;
SQL
  echo "seeded in $(( $(date +%s) - start )) s"
fi
"${PSQL[@]}" -At -F ' ' -c "SELECT 'usage_events: ' || (SELECT count(*) FROM usage_events) || ', usage_daily rows: ' || (SELECT count(*) FROM usage_daily) || ', usage_daily_users rows: ' || (SELECT count(*) FROM usage_daily_users)"

: "${CONSOLE_EMAIL:?set CONSOLE_EMAIL and CONSOLE_PASSWORD to an operator account}"
: "${CONSOLE_PASSWORD:?set CONSOLE_PASSWORD}"
jar=$(mktemp)
trap 'rm -f "$jar"' EXIT
token=$(curl -s -c "$jar" -b "$jar" "$TOLLGATE_URL/console/login" | grep -o 'name="_csrf" value="[^"]*"' | sed 's/.*value="//;s/"$//')
login=$(curl -s -o /dev/null -w '%{redirect_url}' -c "$jar" -b "$jar" -X POST "$TOLLGATE_URL/console/login" \
  --data-urlencode "_csrf=$token" --data-urlencode "email=$CONSOLE_EMAIL" --data-urlencode "password=$CONSOLE_PASSWORD")
case "$login" in */console) ;; *) echo "sign-in failed (redirected to $login)" >&2; exit 1 ;; esac

APP=app_0bench$(printf '%020d' 1)
TODAY=$(date -u +%F)
FROM90=$(date -u -d "-89 days" +%F)
PAGES=(
  "/console/apps"
  "/console/apps/$APP"
  "/console/usage"
  "/console/usage.json"
  "/console/usage?from=$FROM90&to=$TODAY"
  "/console/usage.json?from=$FROM90&to=$TODAY"
  "/console/apps/$APP/usage"
  "/console/usage.json?app=$APP"
  "/console/apps/$APP/usage?from=$FROM90&to=$TODAY"
  "/console/usage.json?app=$APP&from=$FROM90&to=$TODAY"
  "/console/apps/$APP/users"
  "/console/apps/$APP/users/usr_0bench$(printf '%020d' 1)"
  "/console/revenue"
  "/console/revenue.json"
  "/console/revenue?from=$FROM90&to=$TODAY"
  "/console/apps/$APP/features"
  "/console/apps/$APP/docs"
  "/console/organizations"
  "/console/plans"
  "/console/audit"
  "/console/operators"
)
printf '%-62s %8s %8s %6s\n' "page" "median" "max" "status"
slow=0
for page in "${PAGES[@]}"; do
  curl -s -o /dev/null -b "$jar" "$TOLLGATE_URL$page"   # warm-up
  times=()
  status=""
  for _ in $(seq "$RUNS"); do
    out=$(curl -s -o /dev/null -b "$jar" -w '%{http_code} %{time_total}' "$TOLLGATE_URL$page")
    status=${out% *}
    times+=("$(awk -v t="${out#* }" 'BEGIN { printf "%d", t * 1000 }')")
  done
  sorted=($(printf '%s\n' "${times[@]}" | sort -n))
  median=${sorted[$(( ${#sorted[@]} / 2 ))]}
  max=${sorted[-1]}
  flag=""
  if [ "$median" -gt "$TARGET_MS" ] || [ "$status" != "200" ]; then flag="  <-- over ${TARGET_MS} ms or not 200"; slow=1; fi
  printf '%-62s %6s ms %6s ms %6s%s\n' "$page" "$median" "$max" "$status" "$flag"
done
exit $slow
