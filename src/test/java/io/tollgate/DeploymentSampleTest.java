package io.tollgate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The sample deployment in docs/deploy (and docs/DEPLOYMENT.md) must not drift from the code: every
 * variable it sets is a real setting, the systemd unit runs the README's production command, the load
 * balancer probes a readiness endpoint a node really has, and every metric an alert rule uses is one a
 * running node exposes (with the label values the rule selects on). Nothing outside this JVM is run.
 */
class DeploymentSampleTest extends ApiTest {
    private static final Path SAMPLES = Path.of("docs/deploy");
    private static final Pattern SETTING = Pattern.compile("\\b(?:TOLLGATE|STRIPE|MPESA)_[A-Z0-9_]*[A-Z0-9]\\b|\\bSERVER_PORT\\b");
    private static final Pattern ASSIGNMENT = Pattern.compile("(?m)^#?\\s*([A-Z][A-Z0-9_]*)=");
    /** Settings every node must share (DEPLOYMENT.md, "What every node shares"). */
    private static final List<String> SHARED = List.of("TOLLGATE_DATABASE_URL", "TOLLGATE_DATABASE_USER", "TOLLGATE_DATABASE_PASSWORD",
            "TOLLGATE_KEY_PEPPER", "TOLLGATE_MASTER_KEYS", "TOLLGATE_MASTER_KEY_PRIMARY", "TOLLGATE_REDIS_URL", "TOLLGATE_REDIS_FAILURE_POLICY");
    /** Per node: its port and its data directory. */
    private static final List<String> PER_NODE = List.of("SERVER_PORT", "TOLLGATE_DATA_DIR");

    @Test
    void everyVariableInTheSamplesAndTheGuideIsARealSetting() throws IOException {
        String properties = read(Path.of("src/main/resources/application.properties"));
        Set<String> unknown = new TreeSet<>();
        for (Path file : sampleFiles()) {
            Matcher m = SETTING.matcher(read(file));
            while (m.find()) if (!isSetting(properties, m.group())) unknown.add(file.getFileName() + ": " + m.group());
        }
        Matcher m = SETTING.matcher(read(Path.of("docs/DEPLOYMENT.md")));
        while (m.find()) if (!isSetting(properties, m.group())) unknown.add("DEPLOYMENT.md: " + m.group());
        assertThat(unknown).as("names that no setting in application.properties reads").isEmpty();

        // Every assignment in an env file (commented ones too: they are meant to be uncommented) is a setting.
        for (Path env : envFiles()) {
            Matcher a = ASSIGNMENT.matcher(read(env));
            while (a.find()) assertThat(isSetting(properties, a.group(1))).as(env + " sets " + a.group(1)).isTrue();
        }
    }

    @Test
    void theSharedFileHoldsWhatNodesShareAndEachNodeFileItsOwnPortAndDirectory() throws IOException {
        Map<String, String> shared = assignments(SAMPLES.resolve("tollgate.env"));
        assertThat(shared).containsKeys(SHARED.toArray(String[]::new)).doesNotContainKeys(PER_NODE.toArray(String[]::new));
        List<Map<String, String>> nodes = new ArrayList<>();
        for (Path env : envFiles()) if (env.getFileName().toString().startsWith("node-")) nodes.add(assignments(env));
        assertThat(nodes).hasSizeGreaterThanOrEqualTo(2);
        for (Map<String, String> node : nodes) {
            assertThat(node.keySet()).containsExactlyInAnyOrderElementsOf(PER_NODE);
        }
        for (String key : PER_NODE) {
            assertThat(nodes.stream().map(n -> n.get(key)).distinct()).as("each node its own " + key).hasSize(nodes.size());
        }

        // The load balancer sends traffic to exactly the nodes' ports.
        Set<String> ports = nodes.stream().map(n -> n.get("SERVER_PORT")).collect(Collectors.toSet());
        Matcher server = Pattern.compile("(?m)^\\s*server\\s+\\S+\\s+[^:\\s]+:(\\d+)\\s.*\\bcheck\\b").matcher(read(SAMPLES.resolve("haproxy.cfg")));
        Set<String> balanced = new TreeSet<>();
        while (server.find()) balanced.add(server.group(1));
        assertThat(balanced).isEqualTo(new TreeSet<>(ports));

        // The unit reads the shared file, then its node's own (later files win).
        String unit = read(SAMPLES.resolve("tollgate@.service"));
        assertThat(unit).containsSubsequence("EnvironmentFile=/etc/tollgate/tollgate.env", "EnvironmentFile=/etc/tollgate/node-%i.env");
        // HOSTNAME is not in application.properties: the media workers and the webhook sender read it directly.
        Matcher environment = Pattern.compile("(?m)^Environment=([A-Z_]+)=").matcher(unit);
        while (environment.find()) {
            assertThat(environment.group(1)).isEqualTo("HOSTNAME");
            assertThat(read(Path.of("src/main/java/io/tollgate/media/MediaWorkers.java"))).contains("\"HOSTNAME\"");
        }
    }

    @Test
    void theSystemdUnitRunsTheReadmeProductionCommand() throws IOException {
        List<String> readme = read(Path.of("README.md")).lines().map(String::strip)
                .filter(l -> l.matches("java\\s.*-jar\\s+\\S+")).toList();
        assertThat(readme).as("README's production command: one `java … -jar tollgate.jar` line").hasSize(1);
        List<String> command = List.of(readme.get(0).split("\\s+"));

        List<String> execStart = read(SAMPLES.resolve("tollgate@.service")).lines().filter(l -> l.startsWith("ExecStart=")).toList();
        assertThat(execStart).hasSize(1);
        List<String> unit = List.of(execStart.get(0).substring("ExecStart=".length()).split("\\s+"));

        assertThat(Path.of(unit.get(0)).getFileName().toString()).isEqualTo("java");
        assertThat(unit.subList(1, unit.size() - 1)).as("JVM flags and -jar").isEqualTo(command.subList(1, command.size() - 1));
        assertThat(Path.of(unit.getLast()).getFileName()).isEqualTo(Path.of(command.getLast()).getFileName());

        // systemd kills after TimeoutStopSec: leave room for more than one shutdown phase of the default length.
        Matcher stop = Pattern.compile("(?m)^TimeoutStopSec=(\\d+)$").matcher(read(SAMPLES.resolve("tollgate@.service")));
        assertThat(stop.find()).isTrue();
        Matcher phase = Pattern.compile("\\$\\{TOLLGATE_SHUTDOWN_TIMEOUT_SECONDS:(\\d+)}s").matcher(read(Path.of("src/main/resources/application.properties")));
        assertThat(phase.find()).isTrue();
        assertThat(Long.parseLong(stop.group(1))).isGreaterThanOrEqualTo(2 * Long.parseLong(phase.group(1)));
    }

    @Test
    void theLoadBalancerProbesReadinessWhichARunningNodeAnswers() throws IOException {
        Matcher check = Pattern.compile("(?m)^\\s*option\\s+httpchk\\s+GET\\s+(\\S+)").matcher(read(SAMPLES.resolve("haproxy.cfg")));
        assertThat(check.find()).isTrue();
        assertThat(check.group(1)).isEqualTo("/actuator/health/readiness");
        for (String probe : List.of(check.group(1), "/actuator/health/liveness")) {
            Api.Res res = anonymous.get(probe);
            assertThat(res.status()).as(probe + " " + res).isEqualTo(200);
            assertThat(res.text()).contains("\"UP\"");
        }
    }

    @Test
    void everyMetricTheAlertRulesUseIsExposedByARunningNode() throws IOException {
        // A payment through the sandbox provider creates its circuit breaker, whose state Resilience4j then exports.
        String appId = createApp();
        Api app = appClient(appId, createKey(appId, Map.of("environment", "test")).get("key").asString());
        Api.Res paid = app.post("/api/v1/credits/purchase", Map.of("amount", 100, "payment_method", "sandbox", "currency", "USD"));
        assertThat(paid.status()).as(paid.toString()).isIn(200, 201);

        Api.Res scrape = admin.get("/actuator/prometheus");
        assertThat(scrape.status()).isEqualTo(200);
        Map<String, List<Map<String, String>>> exposed = samples(scrape.text());

        Map<String, Object> rules = new Yaml().load(read(SAMPLES.resolve("prometheus-alerts.yml")));
        Set<String> used = new TreeSet<>();
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> group : list(rules.get("groups"))) {
            for (Map<String, Object> rule : list(group.get("rules"))) {
                String alert = (String) rule.get("alert");
                assertThat(alert).as("every rule is an alert with a name").isNotBlank();
                assertThat(((Map<?, ?>) rule.get("labels")).get("severity")).as(alert).isIn("warning", "critical");
                assertThat(((Map<?, ?>) rule.get("annotations")).get("summary")).as(alert).isNotNull();
                if (rule.containsKey("for")) assertThat(rule.get("for").toString()).as(alert).matches("\\d+[smh]");
                String expr = rule.get("expr").toString();
                for (Selector s : selectors(expr)) {
                    // up is made by Prometheus itself for every scrape target, not by the node.
                    if (s.metric.equals("up")) continue;
                    used.add(s.metric);
                    List<Map<String, String>> series = exposed.get(s.metric);
                    if (series == null) {
                        problems.add(alert + ": " + s.metric + " is not exposed");
                        continue;
                    }
                    for (Map.Entry<String, String> exact : s.equals.entrySet()) {
                        if (series.stream().noneMatch(l -> exact.getValue().equals(l.get(exact.getKey())))) {
                            problems.add(alert + ": no " + s.metric + " with " + exact.getKey() + "=\"" + exact.getValue() + "\"");
                        }
                    }
                    for (String label : s.matched) {
                        if (series.stream().noneMatch(l -> l.containsKey(label))) problems.add(alert + ": " + s.metric + " has no label " + label);
                    }
                }
            }
        }
        assertThat(problems).as("exposed: " + new TreeSet<>(exposed.keySet())).isEmpty();
        // The alerts DEPLOYMENT.md promises are there.
        assertThat(used).contains("tollgate_metering_queue_depth", "tollgate_metering_batch_duration_seconds",
                "tollgate_metering_commit_checked_total", "resilience4j_circuitbreaker_state", "tollgate_webhook_deliveries_due",
                "tollgate_webhook_deliveries_oldest_due_seconds", "tollgate_rate_limit_redis_degraded", "tollgate_database_reachable");
    }

    @Test
    void theBacklogAndDatabaseGaugesReportNumbers() {
        // Refreshed at start and then every TOLLGATE_WEBHOOK_BACKLOG_REFRESH_MILLIS; a healthy node has a number, not NaN.
        Map<String, List<Map<String, String>>> exposed = samples(admin.get("/actuator/prometheus").text());
        assertThat(exposed.get("tollgate_database_reachable")).isNotNull();
        String text = admin.get("/actuator/prometheus").text();
        assertThat(text).containsPattern("(?m)^tollgate_database_reachable(\\{[^}]*})? 1\\.0$");
        for (String gauge : List.of("tollgate_webhook_deliveries_due", "tollgate_webhook_deliveries_pending", "tollgate_webhook_deliveries_oldest_due_seconds")) {
            assertThat(text).as(gauge).containsPattern("(?m)^" + gauge + "(\\{[^}]*})? \\d+(\\.\\d+)?(E\\d+)?$");
        }
    }

    // --- parsing ---

    /** A metric in a PromQL expression and the label matchers it carries. */
    private record Selector(String metric, Map<String, String> equals, Set<String> matched) {}

    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "and", "or", "unless", "bool", "offset");

    /** Metric names in an expression: identifiers that are not functions/aggregations (followed by "("), keywords or label lists. */
    static List<Selector> selectors(String expr) {
        String e = expr.replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
                .replaceAll("\\[[^]]*]", " ");
        List<Selector> out = new ArrayList<>();
        Matcher m = IDENTIFIER.matcher(e);
        int from = 0;
        while (m.find(from)) {
            from = m.end();
            if (m.start() > 0 && (Character.isDigit(e.charAt(m.start() - 1)) || e.charAt(m.start() - 1) == '.')) continue; // 5m, 0.5e1
            String name = m.group();
            int next = skipSpaces(e, m.end());
            if (next < e.length() && e.charAt(next) == '(') continue;
            if (KEYWORDS.contains(name)) continue;
            Map<String, String> equals = new HashMap<>();
            Set<String> matched = new LinkedHashSet<>();
            if (next < e.length() && e.charAt(next) == '{') {
                int close = e.indexOf('}', next);
                Matcher l = Pattern.compile("(\\w+)\\s*(=~|!~|!=|=)\\s*\"([^\"]*)\"").matcher(e.substring(next + 1, close));
                while (l.find()) {
                    if (l.group(2).equals("=")) equals.put(l.group(1), l.group(3));
                    else matched.add(l.group(1));
                }
                from = close + 1;
            }
            out.add(new Selector(name, equals, matched));
        }
        return out;
    }

    private static int skipSpaces(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        return i;
    }

    /** The Prometheus text format: sample name → the label sets it has. */
    static Map<String, List<Map<String, String>>> samples(String text) {
        Map<String, List<Map<String, String>>> out = new HashMap<>();
        Pattern label = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");
        for (String line : text.lines().toList()) {
            if (line.isBlank() || line.startsWith("#")) continue;
            int brace = line.indexOf('{'), space = line.indexOf(' ');
            boolean labelled = brace >= 0 && brace < space;
            String name = line.substring(0, labelled ? brace : space);
            Map<String, String> labels = new HashMap<>();
            if (labelled) {
                Matcher l = label.matcher(line.substring(brace, line.lastIndexOf('}') + 1));
                while (l.find()) labels.put(l.group(1), l.group(2));
            }
            out.computeIfAbsent(name, k -> new ArrayList<>()).add(labels);
        }
        return out;
    }

    private static Map<String, String> assignments(Path env) throws IOException {
        Map<String, String> out = new HashMap<>();
        for (String line : read(env).lines().toList()) {
            Matcher m = Pattern.compile("^([A-Z][A-Z0-9_]*)=(.*)$").matcher(line);
            if (m.matches()) out.put(m.group(1), m.group(2));
        }
        return out;
    }

    private static boolean isSetting(String properties, String name) {
        return properties.contains("${" + name + ":") || properties.contains("${" + name + "}");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object o) {
        assertThat(o).isInstanceOf(List.class);
        return (List<Map<String, Object>>) o;
    }

    private static List<Path> sampleFiles() throws IOException {
        try (Stream<Path> files = Files.list(SAMPLES)) {
            List<Path> all = files.filter(Files::isRegularFile).sorted().toList();
            assertThat(all).extracting(p -> p.getFileName().toString())
                    .contains("tollgate@.service", "tollgate.env", "haproxy.cfg", "prometheus-alerts.yml");
            return all;
        }
    }

    private static List<Path> envFiles() throws IOException {
        return sampleFiles().stream().filter(p -> p.getFileName().toString().endsWith(".env")).toList();
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file);
    }
}
