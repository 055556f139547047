package io.tollgate.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.TollgateApplication;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.FileSystemUtils;

/** A first start without TOLLGATE_ADMIN_EMAIL makes admin@tollgate.local and prints its password once; a restart prints nothing. */
@ExtendWith(OutputCaptureExtension.class)
class ConsoleFirstStartTest {
    static final Pattern PASSWORD = Pattern.compile("as admin@tollgate\\.local with this password, shown once:\\s+(\\S+)");

    static ConfigurableApplicationContext start(Path dir) {
        return new SpringApplicationBuilder(TollgateApplication.class).run("--server.port=0", "--tollgate.data-dir=" + dir,
                "--tollgate.demo=false", "--tollgate.operators.admin-token=first-start-owner-token-0123456789");
    }

    static int port(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    @Test
    void theGeneratedPasswordIsPrintedOnceAndWorks(CapturedOutput output) {
        Path dir = Path.of("target/test-data/console-first-start");
        FileSystemUtils.deleteRecursively(dir.toFile());
        String password;
        try (ConfigurableApplicationContext first = start(dir)) {
            Matcher printed = PASSWORD.matcher(output.getAll());
            assertThat(printed.find()).as("the first start prints the generated password").isTrue();
            password = printed.group(1);
            assertThat(password).hasSize(24);
            ConsoleClient.Page signedIn = new ConsoleClient(port(first)).signIn("admin@tollgate.local", password);
            assertThat(signedIn.location()).endsWith("/console");
        }
        int printedBefore = output.getAll().length();
        try (ConfigurableApplicationContext second = start(dir)) {
            String restart = output.getAll().substring(printedBefore);
            assertThat(restart).doesNotContain(password).doesNotContain("No console operator existed");
            assertThat(new ConsoleClient(port(second)).signIn("admin@tollgate.local", password).location()).endsWith("/console");
        }
        assertThat(output.getAll().split(Pattern.quote(password), -1)).hasSize(2); // exactly one occurrence in all the output
    }
}
