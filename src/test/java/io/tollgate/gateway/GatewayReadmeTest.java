package io.tollgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.ApiTest;
import io.tollgate.console.RequiredTool;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** README's "Put your own API behind Tollgate" block, run as it stands (bash, curl, jq, python3) against this server. */
class GatewayReadmeTest extends ApiTest {
    @TempDir
    Path dir;

    @Test
    void theFiveMinuteGatewayWalkthroughRunsAsWritten() throws Exception {
        for (String tool : List.of("bash", "curl", "jq", "python3")) RequiredTool.onPath(tool);
        Path script = Files.writeString(dir.resolve("gateway.sh"), "set -euo pipefail\n" + Readme.snippet("gateway-quickstart"));
        int upstreamPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            upstreamPort = socket.getLocalPort();
        }
        ProcessBuilder builder = new ProcessBuilder("bash", script.toString()).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().put("BASE", "http://localhost:" + port);
        builder.environment().put("ADMIN_TOKEN", ADMIN_TOKEN);
        builder.environment().put("UPSTREAM_PORT", Integer.toString(upstreamPort));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        List<String> lines = output.lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines).as(output).hasSize(7);
        assertThat(lines.get(0)).isEqualTo("http://localhost:" + port + "/api/v1/gateway/translate");
        assertThat(lines.get(1)).contains("\"translation\": \"world big hello\"").contains("\"seen_app\": \"app_")
                .contains("\"seen_key\": \"Bearer upstream-secret\"").contains("\"total_tokens\": 3");
        assertThat(lines.get(2)).isEqualTo("98");
        assertThat(lines.get(3)).contains("\"feature\":\"translate\"").contains("\"calls\":1").contains("\"error_rate\":0");
        assertThat(lines.get(4)).as("four tokens at 2 credits").isEqualTo("90");
        assertThat(lines.get(5)).contains("\"allowed\":true").contains("\"pricing\":\"credits\"");
        assertThat(lines.get(6)).isEqualTo("{\"credits_used\":10,\"credits_remaining\":80}");
    }
}
