package io.tollgate.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import io.tollgate.Api;
import io.tollgate.ApiTest;
import io.tollgate.operators.OperatorAccounts;
import io.tollgate.operators.OperatorRole;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;

/**
 * The ready-to-paste code of an app's API docs page, copied off the page and run as it stands against
 * this server with a real key: curl with bash, the JavaScript with node, the Python with python3, the
 * Java compiled with javac. Every call must answer a success envelope and do what it says (a job, a
 * payment). Without an interpreter the sample is skipped with a message, unless CI is set.
 */
class ConsoleDocsSamplesTest extends ApiTest {
    @Autowired
    OperatorAccounts accounts;
    @TempDir
    Path dir;
    String appId;
    String key;
    Map<String, String> samples;

    @BeforeEach
    void appWithAKeyAndItsDocs() {
        appId = createApp();
        admin.post("/api/external-apps/" + appId + "/features", Map.of("feature_name", "image_generation", "pricing_type", "credit",
                "credit_cost", 3));
        fundOrganization(organizationOf(appId), 1000);
        // A test key: the samples buy credits with the sandbox, which live keys may not use.
        key = createKey(appId, Map.of("name", "docs samples", "environment", "test")).get("key").asString();
        ConsoleClient console = ConsoleClient.signedIn(port, accounts, OperatorRole.VIEWER);
        String page = console.get("/console/apps/" + appId + "/docs").body();
        samples = new java.util.HashMap<>();
        Matcher code = Pattern.compile("<code id=\"code-(\\w+)\">(.*?)</code>", Pattern.DOTALL).matcher(page);
        while (code.find()) samples.put(code.group(1), unescape(code.group(2)));
        assertThat(samples).containsOnlyKeys("curl", "javascript", "python", "java");
        samples.values().forEach(s -> assertThat(s).contains(appId).contains("http://localhost:" + port + "/api/v1"));
    }

    static String unescape(String html) {
        return html.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&");
    }

    record Run(int exit, String output) {}

    Run run(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().put("TOLLGATE_API_KEY", key);
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("timed out: " + command);
        }
        return new Run(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    /** What the samples did, seen from the server: one more job and one more succeeded sandbox payment each time. */
    void assertAJobAndAPaymentWereMade(int times) {
        assertThat(jdbc.sql("SELECT count(*) FROM media_jobs WHERE app_id = ?").param(appId).query(Long.class).single()).isEqualTo(times);
        assertThat(admin.get("/api/admin/payments?app_id=" + appId).data()).hasSize(times);
    }

    @Test
    void theCurlSampleRunsInBash() throws Exception {
        RequiredTool.onPath("bash");
        RequiredTool.onPath("curl");
        Path script = Files.writeString(dir.resolve("sample.sh"), samples.get("curl"));
        Run run = run(List.of("bash", script.toString()));
        assertThat(run.exit()).as(run.output()).isZero();
        List<JsonNode> answers = new ArrayList<>();
        try (MappingIterator<JsonNode> envelopes = Api.JSON.readerFor(JsonNode.class).readValues(run.output())) {
            envelopes.forEachRemaining(answers::add);
        }
        assertThat(answers).as(run.output()).hasSize(3).allSatisfy(a -> assertThat(a.get("success").asBoolean()).as(a.toString()).isTrue());
        assertThat(answers.get(0).get("data").get("app").get("id").asString()).isEqualTo(appId);
        assertThat(answers.get(1).get("data").get("job_id").asString()).startsWith("job_");
        assertThat(answers.get(2).get("data").get("credits").asLong()).isEqualTo(100);
        assertAJobAndAPaymentWereMade(1);
    }

    /** The JavaScript and Python samples print what they got: a job id and a payment id with their statuses. */
    void assertRunsAndMakesAJobAndAPayment(List<String> command) throws Exception {
        Run run = run(command);
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).containsPattern("job job_\\w+ \\w+").containsPattern("payment pay_\\w+ \\w+");
        assertAJobAndAPaymentWereMade(1);
    }

    @Test
    void theJavaScriptSampleRunsInNode() throws Exception {
        RequiredTool.onPath("node");
        assertRunsAndMakesAJobAndAPayment(List.of("node", Files.writeString(dir.resolve("tollgate.mjs"), samples.get("javascript")).toString()));
    }

    @Test
    void thePythonSampleRunsInPython() throws Exception {
        RequiredTool.onPath("python3");
        if (run(List.of("python3", "-c", "import requests")).exit() != 0) {
            RequiredTool.missing("the Python package requests is not installed (Debian python3-requests)", RequiredTool.ci());
        }
        assertRunsAndMakesAJobAndAPayment(List.of("python3", Files.writeString(dir.resolve("tollgate.py"), samples.get("python")).toString()));
    }

    @Test
    void theJavaSampleCompilesAndRuns() throws Exception {
        Path bin = Path.of(System.getProperty("java.home"), "bin");
        Path source = Files.writeString(dir.resolve("TollgateApi.java"), samples.get("java"));
        Run compiled = run(List.of(bin.resolve("javac").toString(), source.toString()));
        assertThat(compiled.exit()).as(compiled.output()).isZero();
        Run run = run(List.of(bin.resolve("java").toString(), "-cp", dir.toString(), "TollgateApi"));
        assertThat(run.exit()).as(run.output()).isZero();
        List<String> lines = run.output().lines().toList();
        assertThat(lines).hasSize(2).allSatisfy(l -> assertThat(Api.JSON.readTree(l).get("success").asBoolean()).as(l).isTrue());
        assertAJobAndAPaymentWereMade(1);
    }
}
