package io.tollgate.console;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * A program some tests need from the system (Chromium, node, python3). Missing on a developer's machine,
 * those tests are skipped with a message; with CI set (.ci/run exports CI=true) they fail instead, so a
 * CI run can never pass by quietly skipping them.
 */
public final class RequiredTool {
    private RequiredTool() {}

    public static boolean ci() {
        String ci = System.getenv("CI");
        return ci != null && !ci.isBlank() && !"false".equalsIgnoreCase(ci);
    }

    public static void missing(String message, boolean ci) {
        if (ci) fail(message + " (CI is set, so this is a failure, not a skip)");
        Assumptions.abort(message + "; skipped");
    }

    public static void onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) return;
        }
        missing(program + " is not installed (.ci/packages lists it for CI)", ci());
    }
}
