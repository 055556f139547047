package io.tollgate;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.console.RequiredTool;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.FileSystemUtils;

/**
 * The README's quickstart, run as a new user would: its bash block, as written, with bash, curl and
 * jq, against a freshly started server (default settings, demo data, the admin token its start command
 * sets). Each "#=> …" line of the README is what the command before it must print ("…" matches
 * anything). The media example of "Content and media" runs too, with the demo key the first start
 * printed. So the README cannot drift from what Tollgate does.
 */
@ExtendWith(OutputCaptureExtension.class)
class ReadmeQuickstartTest {
    private static final String MARKER = "@@expected-output@@";
    private static final Pattern START = Pattern.compile("TOLLGATE_ADMIN_TOKEN=(\\S+) (\\./mvnw [^\\n]+)");

    @Test
    void theQuickstartRunsAsWritten(CapturedOutput output) throws Exception {
        for (String program : new String[] {"bash", "curl", "jq"}) RequiredTool.onPath(program);
        String readme = Files.readString(Path.of("README.md"));

        // The run command compiles no tests (first block of the first screen, and the quickstart's start).
        assertThat(bashBlocks(section(readme, "## Two commands")).get(0).strip()).isEqualTo("./mvnw spring-boot:run -Dmaven.test.skip");
        List<String> quickstart = bashBlocks(section(readme, "## Five-minute quickstart"));
        assertThat(quickstart).hasSize(2);
        Matcher start = START.matcher(quickstart.get(0));
        assertThat(start.find()).as(quickstart.get(0)).isTrue();
        assertThat(start.group(2)).isEqualTo("./mvnw spring-boot:run -Dmaven.test.skip");

        Path dir = Path.of("target/test-data/readme-quickstart");
        FileSystemUtils.deleteRecursively(dir);
        try (ConfigurableApplicationContext server = new SpringApplicationBuilder(TollgateApplication.class)
                .run("--server.port=0", "--tollgate.data-dir=" + dir, "--tollgate.operators.admin-token=" + start.group(1))) {
            int port = Integer.parseInt(server.getEnvironment().getProperty("local.server.port"));
            String demoKey = output.getAll().lines().map(String::strip).filter(l -> l.startsWith("tg_sk_test_")).findFirst().orElseThrow();

            run(quickstart.get(1), port, Map.of());

            String media = bashBlocks(section(readme, "## Content and media")).stream()
                    .filter(b -> b.contains("/api/v1/media/generate/image")).findFirst().orElseThrow();
            run(media, port, Map.of("BASE", "http://localhost:" + port, "DEMO_KEY", demoKey));
        }
    }

    /** Runs a README block with bash (-euo pipefail) and compares its output with its "#=>" lines. */
    private static void run(String block, int port, Map<String, String> env) throws IOException, InterruptedException {
        List<String> expected = new ArrayList<>();
        StringBuilder script = new StringBuilder("set -euo pipefail\n");
        for (String line : block.replace("http://localhost:8080", "http://localhost:" + port).split("\n")) {
            if (line.startsWith("#=> ")) {
                expected.add(line.substring(4));
                script.append("echo '").append(MARKER).append("'\n");
            } else {
                script.append(line).append('\n');
            }
        }
        assertThat(expected).as("a README block without #=> lines checks nothing").isNotEmpty();
        Path work = Files.createTempDirectory("readme-block");
        ProcessBuilder bash = new ProcessBuilder("bash", "-c", script.toString()).directory(work.toFile());
        bash.environment().putAll(env);
        Path out = work.resolve("stdout");
        Path err = work.resolve("stderr");
        Process process = bash.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        boolean finished = process.waitFor(180, TimeUnit.SECONDS);
        if (!finished) process.destroyForcibly();
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        String transcript = "--- script\n" + script + "--- stdout\n" + stdout + "--- stderr\n" + stderr;
        assertThat(finished).as("finished in 3 minutes\n" + transcript).isTrue();
        assertThat(process.exitValue()).as(transcript).isZero();
        assertThat(stderr).as(transcript).isEmpty();
        String[] printed = stdout.split(Pattern.quote(MARKER) + "\n", -1);
        assertThat(printed).as(transcript).hasSize(expected.size() + 1);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(printed[i].strip()).as("output before #=> line %d\n%s", i + 1, transcript).matches(pattern(expected.get(i)));
        }
    }

    /** "…" in an expected line stands for anything. */
    private static Pattern pattern(String expected) {
        StringBuilder regex = new StringBuilder();
        for (String part : expected.strip().split("…", -1)) {
            if (!regex.isEmpty()) regex.append(".*?");
            regex.append(Pattern.quote(part));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    /** The text of a README section: from its heading to the next heading of the same level. */
    static String section(String readme, String heading) {
        int from = readme.indexOf("\n" + heading + "\n");
        assertThat(from).as("README has " + heading).isNotNegative();
        int to = readme.indexOf("\n## ", from + heading.length() + 2);
        return readme.substring(from, to < 0 ? readme.length() : to);
    }

    static List<String> bashBlocks(String text) {
        List<String> blocks = new ArrayList<>();
        Matcher block = Pattern.compile("```bash\\n(.*?)```", Pattern.DOTALL).matcher(text);
        while (block.find()) blocks.add(block.group(1));
        return blocks;
    }
}
