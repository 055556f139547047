import io.tollgate.platform.SecretHasher;
import io.tollgate.platform.TokenCodec;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresql.PGConnection;

/**
 * Helpers for bench/run.sh that need Java: seeding a million keys the way Tollgate stores them,
 * reading exactness figures from the database, and the kill -9 crash test's client and checker.
 * Run as a single-file program: java -cp <tollgate classpath> bench/BenchTool.java <command> …
 */
public class BenchTool {

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "seed-keys" -> seedKeys(args[1], args[2], args[3], Integer.parseInt(args[4]), args.length > 5 ? Path.of(args[5]) : null,
                    args.length > 6 ? Integer.parseInt(args[6]) : 0);
            case "marks" -> marks(args[1]);
            case "exactness" -> exactness(args[1], args[2], args[3], Long.parseLong(args[4]), Long.parseLong(args[5]));
            case "exactness-held" -> exactnessHeld(args[1], args[2], args[3], args[4], Long.parseLong(args[5]), Long.parseLong(args[6]));
            case "exactness-gateway" -> exactnessGateway(args[1], args[2], args[3], args[4], Long.parseLong(args[5]), Long.parseLong(args[6]));
            case "crash-load" -> crashLoad(args[1], args[2], args[3], Integer.parseInt(args[4]), Path.of(args[5]));
            case "crash-verify" -> crashVerify(args[1], args[2], Path.of(args[3]));
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        }
    }

    private static Connection connect(String url) throws Exception {
        return DriverManager.getConnection(url, "postgres", "");
    }

    /**
     * N extra keys for an app, hashed with the server's pepper and written with COPY, as if issued through
     * the API. The first sampleSize plaintext keys go to sampleFile (benchmark data only), for a run that
     * authenticates with many different keys.
     */
    static void seedKeys(String url, String pepper, String appId, int count, Path sampleFile, int sampleSize) throws Exception {
        SecretHasher hasher = new SecretHasher(pepper.getBytes(StandardCharsets.UTF_8));
        long started = System.nanoTime();
        try (Connection c = connect(url); BufferedWriter sample = sampleFile == null ? null : Files.newBufferedWriter(sampleFile)) {
            var copy = c.unwrap(PGConnection.class).getCopyAPI();
            int batch = 50_000;
            for (int done = 0; done < count; done += batch) {
                StringBuilder rows = new StringBuilder(batch * 200);
                for (int i = done; i < Math.min(count, done + batch); i++) {
                    String key = TokenCodec.generate("tg_sk_live_");
                    if (sample != null && i < sampleSize) {
                        sample.write(key);
                        sample.newLine();
                    }
                    rows.append("key_bench").append(String.format("%021d", i)).append('\t').append(appId).append('\t')
                            .append("\\\\x").append(java.util.HexFormat.of().formatHex(hasher.hash(key))).append('\t')
                            .append(key, 0, 15).append('\t').append(key.substring(key.length() - 4)).append("\tsecret\tlive\tbench\t{content:read}\t1000\n");
                }
                copy.copyIn("COPY api_keys (id, app_id, key_hash, key_prefix, key_last4, key_type, environment, name, scopes, rate_limit) FROM STDIN",
                        new StringReader(rows.toString()));
            }
        }
        System.out.printf("seeded %d keys in %.1f s%n", count, (System.nanoTime() - started) / 1e9);
    }

    /**
     * The database's time now (µs since the epoch), twice (usage, transfers), so a run's rows can be told
     * from earlier ones by created_at. Not max(id): each node allocates usage ids in blocks, so with
     * several nodes a later row can have a lower id. The scripts wait for calls in flight before marking.
     */
    static void marks(String url) throws Exception {
        try (Connection c = connect(url); Statement s = c.createStatement()) {
            long now = one(s, "SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint");
            System.out.println(now + " " + now);
        }
    }

    /**
     * After a metered run: usage rows, refusals, credits in usage and credits debited since the marks, and
     * whether the spend transfers add up: each batch's spends from the wallet are one transfer, which must
     * equal the credits of the calls that name it, with no paid call left without its transfer.
     */
    static void exactness(String url, String walletId, String appId, long usageMark, long transferMark) throws Exception {
        try (Connection c = connect(url); Statement s = c.createStatement()) {
            String usage = "usage_events WHERE app_id = '" + appId + "' AND created_at > to_timestamp(" + usageMark + " / 1e6)";
            String spends = "ledger_transfers t WHERE t.debit_account = '" + walletId + "' AND t.kind = 'spend' AND t.created_at > to_timestamp("
                    + transferMark + " / 1e6)";
            long ok = one(s, "SELECT count(*) FROM " + usage + " AND response_status = 200");
            long refused = one(s, "SELECT count(*) FROM " + usage + " AND response_status <> 200");
            long creditsInUsage = one(s, "SELECT coalesce(sum(credits_used), 0) FROM " + usage);
            long debited = one(s, "SELECT coalesce(sum(amount), 0) FROM " + spends);
            long transfers = one(s, "SELECT count(*) FROM " + spends);
            long mismatched = one(s, "SELECT count(*) FROM " + spends.replace(" WHERE ", " LEFT JOIN (SELECT transfer_reference AS r, sum(credits_used) AS c FROM "
                    + usage + " GROUP BY 1) u ON u.r = t.reference WHERE ") + " AND t.amount IS DISTINCT FROM u.c");
            long unpaid = one(s, "SELECT count(*) FROM " + usage + " AND credits_used > 0 AND (transfer_reference IS NULL OR transfer_reference NOT IN (SELECT t.reference FROM " + spends + "))");
            System.out.printf("{\"usage_rows_ok\":%d,\"usage_rows_refused\":%d,\"credits_in_usage\":%d,\"credits_debited\":%d,"
                    + "\"spend_transfers\":%d,\"transfers_not_matching_their_calls\":%d,\"paid_calls_without_transfer\":%d}%n",
                    ok, refused, creditsInUsage, debited, transfers, mismatched, unpaid);
        }
    }

    /**
     * After a gateway run (calls held, then captured), since the marks (database time): usage rows of the feature,
     * refusals, credits in usage, credits captured by the holds those rows name, captures that differ from their call's
     * credits, and holds of the wallet still pending (there must be none once the run is over).
     */
    static void exactnessHeld(String url, String walletId, String appId, String feature, long usageMark, long transferMark) throws Exception {
        try (Connection c = connect(url); Statement s = c.createStatement()) {
            String usage = "usage_events WHERE app_id = '" + appId + "' AND feature = '" + feature + "' AND created_at > to_timestamp("
                    + usageMark + " / 1e6)";
            long ok = one(s, "SELECT count(*) FROM " + usage + " AND response_status = 200");
            long refused = one(s, "SELECT count(*) FROM " + usage + " AND response_status <> 200");
            long creditsInUsage = one(s, "SELECT coalesce(sum(credits_used), 0) FROM " + usage);
            String captures = "ledger_transfers t JOIN (SELECT transfer_reference AS h, sum(credits_used) AS c FROM " + usage
                    + " AND transfer_reference IS NOT NULL GROUP BY 1) u ON u.h = t.hold_id WHERE t.kind = 'capture' AND t.created_at > to_timestamp("
                    + transferMark + " / 1e6)";
            long captured = one(s, "SELECT coalesce(sum(t.amount), 0) FROM " + captures);
            long mismatched = one(s, "SELECT count(*) FROM " + captures + " AND t.amount <> u.c");
            long unpaid = one(s, "SELECT count(*) FROM " + usage + " AND credits_used > 0 AND NOT EXISTS (SELECT 1 FROM ledger_transfers t "
                    + "WHERE t.kind = 'capture' AND t.hold_id = transfer_reference)");
            long pending = one(s, "SELECT count(*) FROM ledger_holds WHERE account_id = '" + walletId + "' AND status = 'pending'");
            System.out.printf("{\"usage_rows_ok\":%d,\"usage_rows_refused\":%d,\"credits_in_usage\":%d,\"credits_captured\":%d,"
                    + "\"captures_not_matching_their_calls\":%d,\"paid_calls_without_capture\":%d,\"holds_pending\":%d}%n",
                    ok, refused, creditsInUsage, captured, mismatched, unpaid, pending);
        }
    }

    /**
     * After a gateway run, whichever way its calls were charged (spent by the metering batch: the usage row names the batch's
     * spend transfer; or held then captured: it names its hold), since the marks: usage rows of the feature, credits in them,
     * credits the transfers they name moved, transfers that differ from the calls naming them, paid calls without a transfer,
     * and holds of the wallet still pending (none once the run is over).
     */
    static void exactnessGateway(String url, String walletId, String appId, String feature, long usageMark, long transferMark) throws Exception {
        try (Connection c = connect(url); Statement s = c.createStatement()) {
            // One pass over each table, joined by hash (a correlated subquery per transfer ran for minutes after a long run).
            String with = "WITH u AS MATERIALIZED (SELECT transfer_reference AS r, credits_used AS c, response_status AS st FROM usage_events"
                    + " WHERE app_id = '" + appId + "' AND feature = '" + feature + "' AND created_at > to_timestamp(" + usageMark + " / 1e6)),"
                    + " t AS MATERIALIZED (SELECT CASE WHEN kind = 'spend' THEN reference ELSE hold_id END AS r, amount FROM ledger_transfers"
                    + " WHERE created_at > to_timestamp(" + transferMark + " / 1e6) AND ((kind = 'spend' AND debit_account = '" + walletId
                    + "') OR kind = 'capture')),"
                    + " named AS (SELECT r, sum(c) AS c FROM u WHERE c > 0 GROUP BY r),"
                    + " moved AS (SELECT t.amount, named.c FROM t JOIN named ON named.r = t.r) ";
            long ok = one(s, with + "SELECT count(*) FROM u WHERE st BETWEEN 200 AND 299");
            long refused = one(s, with + "SELECT count(*) FROM u WHERE st NOT BETWEEN 200 AND 299");
            long creditsInUsage = one(s, with + "SELECT coalesce(sum(c), 0) FROM u");
            long creditsMoved = one(s, with + "SELECT coalesce(sum(amount), 0) FROM moved");
            long mismatched = one(s, with + "SELECT count(*) FROM moved WHERE amount IS DISTINCT FROM c");
            long unpaid = one(s, with + "SELECT count(*) FROM u WHERE c > 0 AND NOT EXISTS (SELECT 1 FROM t WHERE t.r = u.r)");
            long pending = one(s, "SELECT count(*) FROM ledger_holds WHERE account_id = '" + walletId + "' AND status = 'pending'");
            System.out.printf("{\"usage_rows_ok\":%d,\"usage_rows_refused\":%d,\"credits_in_usage\":%d,\"credits_moved\":%d,"
                    + "\"transfers_not_matching_their_calls\":%d,\"paid_calls_without_transfer\":%d,\"holds_pending\":%d}%n",
                    ok, refused, creditsInUsage, creditsMoved, mismatched, unpaid, pending);
        }
    }

    /**
     * The crash test's client: clients post token consumptions with unique request ids and append the id
     * of every call answered 200 to the file, flushed, until the server goes away.
     */
    static void crashLoad(String base, String key, String appId, int clients, Path acked) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        AtomicBoolean serverGone = new AtomicBoolean();
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        try (BufferedWriter out = Files.newBufferedWriter(acked); ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < clients; i++) {
                pool.submit(() -> {
                    while (!serverGone.get()) {
                        String requestId = UUID.randomUUID().toString();
                        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/v1/customer/tokens/consume"))
                                .timeout(Duration.ofSeconds(10))
                                .header("Authorization", "Bearer " + key).header("X-App-Id", appId).header("X-Request-Id", requestId)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"app_id\":\"crash\",\"tokens_consumed\":1}")).build();
                        try {
                            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                            if (response.statusCode() == 200) {
                                synchronized (out) {
                                    out.write(requestId);
                                    out.newLine();
                                    out.flush();
                                }
                                ok.incrementAndGet();
                            } else {
                                failed.incrementAndGet();
                            }
                        } catch (IOException | InterruptedException e) {
                            serverGone.set(true);
                        }
                    }
                    return null;
                });
            }
        }
        System.out.printf("acknowledged %d, refused %d before the server went away%n", ok.get(), failed.get());
    }

    /** Every acknowledged debit is there exactly once; nothing is doubled. */
    static void crashVerify(String url, String appId, Path acked) throws Exception {
        List<String> ids = Files.readAllLines(acked).stream().filter(l -> !l.isBlank()).toList();
        Set<String> present = new HashSet<>();
        long doubledUsage;
        long doubledTransfers;
        long usageWithoutDebit;
        long mismatched;
        try (Connection c = connect(url); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT request_id FROM usage_events WHERE app_id = '" + appId + "' AND response_status = 200")) {
                while (rs.next()) present.add(rs.getString(1));
            }
            doubledUsage = one(s, "SELECT count(*) FROM (SELECT request_id FROM usage_events WHERE app_id = '" + appId
                    + "' GROUP BY request_id HAVING count(*) > 1) d");
            // A call's debit is in the spend transfer its usage event names; that transfer must exist once and
            // equal the credits of all the calls naming it, so no debit is lost or counted twice.
            String paid = "(SELECT transfer_reference AS r, sum(credits_used) AS c FROM usage_events WHERE app_id = '" + appId
                    + "' AND credits_used > 0 GROUP BY 1) u";
            doubledTransfers = one(s, "SELECT count(*) FROM (SELECT t.reference FROM ledger_transfers t JOIN " + paid
                    + " ON u.r = t.reference WHERE t.kind = 'spend' GROUP BY t.reference HAVING count(*) > 1) d");
            mismatched = one(s, "SELECT count(*) FROM ledger_transfers t JOIN " + paid + " ON u.r = t.reference WHERE t.kind = 'spend' AND t.amount <> u.c");
            // A gateway call (scenarios g/h run on the same app) is paid by the capture of its hold, which names the hold.
            usageWithoutDebit = one(s, "SELECT count(*) FROM " + paid + " WHERE u.r IS NULL OR NOT EXISTS "
                    + "(SELECT 1 FROM ledger_transfers t WHERE (t.kind = 'spend' AND t.reference = u.r) OR (t.kind = 'capture' AND t.hold_id = u.r))");
        }
        long missing = ids.stream().filter(id -> !present.contains(id)).count();
        System.out.printf("{\"acknowledged\":%d,\"missing_after_restart\":%d,\"committed_successes\":%d,\"doubled_usage\":%d,"
                + "\"doubled_debits\":%d,\"transfers_not_matching_their_calls\":%d,\"successes_without_debit\":%d}%n", ids.size(), missing,
                present.size(), doubledUsage, doubledTransfers, mismatched, usageWithoutDebit);
        if (missing > 0 || doubledUsage > 0 || doubledTransfers > 0 || mismatched > 0 || usageWithoutDebit > 0) System.exit(1);
    }

    private static long one(Statement s, String sql) throws Exception {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
