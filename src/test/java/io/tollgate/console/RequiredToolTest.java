package io.tollgate.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** CI cannot pass by skipping the browser and sample tests: .ci/run sets CI, and with CI set a missing program fails. */
class RequiredToolTest {

    @Test
    void aMissingProgramFailsUnderCiAndIsSkippedOtherwise() {
        assertThatThrownBy(() -> RequiredTool.missing("chromium is missing", true)).isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("chromium is missing");
        assertThatThrownBy(() -> RequiredTool.missing("chromium is missing", false)).isInstanceOf(TestAbortedException.class);
    }

    @Test
    void theCiScriptExportsCiBeforeRunningTheBuild() throws Exception {
        List<String> lines = Files.readAllLines(Path.of(".ci/run"));
        int export = lines.indexOf("export CI=true");
        int build = lines.indexOf("./mvnw -B -ntp verify");
        assertThat(export).as(".ci/run exports CI=true").isNotNegative();
        assertThat(build).isGreaterThan(export);
        assertThat(Files.readAllLines(Path.of(".ci/packages"))).contains("chromium", "chromium-driver", "nodejs", "python3", "python3-requests");
    }
}
