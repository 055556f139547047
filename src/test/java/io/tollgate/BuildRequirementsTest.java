package io.tollgate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The README's run command on a JDK older than 21 stops in Maven's validate phase, before anything is
 * compiled, saying "Tollgate needs JDK 21 or newer" (Maven Enforcer), not javac's "release version 21
 * not supported". Runs the wrapper offline (the enclosing build has already fetched the plugin) with
 * an old JDK from /usr/lib/jvm; skipped where there is none.
 */
class BuildRequirementsTest {

    @Test
    void anOldJdkStopsTheBuildWithAClearMessage() throws Exception {
        Optional<Path> old = oldJdk();
        Assumptions.assumeTrue(old.isPresent(), "no JDK older than 21 under /usr/lib/jvm");
        Path log = Files.createTempFile("old-jdk-build", ".log");
        ProcessBuilder wrapper = new ProcessBuilder("./mvnw", "-B", "-ntp", "-o", "spring-boot:run", "-Dmaven.test.skip")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        wrapper.environment().put("JAVA_HOME", old.get().toString());
        wrapper.environment().remove("MAVEN_OPTS");
        Process build = wrapper.start();
        assertThat(build.waitFor(5, TimeUnit.MINUTES)).as("the build ends").isTrue();
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(build.exitValue()).as(output).isNotZero();
        assertThat(output).as(output).contains("Tollgate needs JDK 21 or newer").contains("maven-enforcer-plugin")
                .doesNotContain("Compiling").doesNotContain("release version 21 not supported");
    }

    /** A JDK whose release file says a version below 21. */
    private static Optional<Path> oldJdk() throws Exception {
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) return Optional.empty();
        try (Stream<Path> dirs = Files.list(jvms)) {
            return dirs.filter(d -> Files.isExecutable(d.resolve("bin/java")) && Files.isRegularFile(d.resolve("release")))
                    .filter(d -> featureVersion(d) < 21).sorted().findFirst();
        }
    }

    private static int featureVersion(Path jdk) {
        try {
            for (String line : Files.readAllLines(jdk.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String version = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                    String feature = version.startsWith("1.") ? version.split("\\.")[1] : version.split("[.+-]")[0];
                    return Integer.parseInt(feature);
                }
            }
        } catch (Exception unreadable) {
            // not a JDK we can read: ignore it
        }
        return Integer.MAX_VALUE;
    }
}
