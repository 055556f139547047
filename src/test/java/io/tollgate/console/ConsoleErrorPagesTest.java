package io.tollgate.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.ApiTest;
import io.tollgate.operators.OperatorAccounts;
import io.tollgate.operators.OperatorRequest;
import io.tollgate.operators.OperatorRole;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** What a person meets when something is off: an expired form, a wrong address, an oversized request. */
@ExtendWith(OutputCaptureExtension.class)
class ConsoleErrorPagesTest extends ApiTest {
    static final String PASSWORD = "console error pages password";
    @Autowired
    OperatorAccounts accounts;

    private String operator() {
        String email = "errors-" + UUID.randomUUID() + "@example.com";
        accounts.create(new OperatorRequest(email, PASSWORD, OperatorRole.ADMIN, null));
        return email;
    }

    @Test
    void aSignInWithoutAValidTokenSaysTheFormExpiredAndOffersAFreshOne() {
        String email = operator();
        ConsoleClient client = new ConsoleClient(port);
        // A sign-in page left open while its session ended: the token it carries is no longer valid.
        String staleToken = new ConsoleClient(port).get("/console/login").csrf();
        for (Map<String, String> form : List.of(Map.of("email", email, "password", PASSWORD),
                Map.of("email", email, "password", PASSWORD, "_csrf", staleToken))) {
            ConsoleClient.Page refused = client.post("/console/login", form);
            assertThat(refused.status()).as(refused.body()).isEqualTo(302);
            assertThat(refused.location()).endsWith("/console/login?expired");
            ConsoleClient.Page fresh = client.get("/console/login?expired");
            assertThat(fresh.status()).isEqualTo(200);
            assertThat(fresh.body()).contains("The form had expired").doesNotContain("Your role may not do this");
            assertThat(fresh.csrf()).isNotBlank();
        }
        // The fresh form works.
        ConsoleClient.Page signedIn = client.post("/console/login",
                Map.of("_csrf", client.get("/console/login?expired").csrf(), "email", email, "password", PASSWORD));
        assertThat(signedIn.location()).endsWith("/console");
        // A signed-in operator's stale form is "expired" too, not a role refusal, and changes nothing.
        String org = createOrganization();
        ConsoleClient.Page stale = client.post("/console/apps", Map.of("_csrf", staleToken, "organization_id", org, "name", "x", "app_type", "web"));
        assertThat(stale.status()).isEqualTo(403);
        assertThat(stale.body()).contains("Form expired").doesNotContain("Your role may not do this");
        assertThat(admin.get("/api/external-apps?organization_id=" + org).data()).isEmpty();
    }

    @Test
    void anUnknownConsolePathIsTheConsolesOwn404Page() {
        ConsoleClient client = new ConsoleClient(port);
        client.signIn(operator(), PASSWORD);
        for (String path : new String[] {"/console/nope", "/console/apps/x/y/z", "/console/usage/nope.html"}) {
            ConsoleClient.Page page = client.get(path);
            assertThat(page.status()).as(path).isEqualTo(404);
            assertThat(page.response().headers().firstValue("Content-Type").orElse("")).as(path).startsWith("text/html");
            assertThat(page.body()).as(path).contains("<h1>Page not found</h1>").contains("/console/assets/console.css")
                    .contains("class=\"top\"").contains("Sign out").doesNotContain("\"success\"");
        }
        // Signed out, a console path leads to the sign-in page first, as every console page does.
        assertThat(new ConsoleClient(port).get("/console/nope").location()).endsWith("/console/login");
        // The API keeps its JSON 404.
        assertThat(admin.get("/api/nope").errorCode()).isEqualTo("NOT_FOUND");
    }

    @Test
    void aTenKilobyteHeaderLeavesOneWarnLineAndNoStackTrace(CapturedOutput output) throws Exception {
        Thread.sleep(1_100); // the valve logs at most one such line a second; let any earlier one age out
        int before = output.getAll().length();
        String answer;
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("GET /console/login HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "a".repeat(10_240)
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) > 0; ) received.write(buffer, 0, n);
            answer = received.toString(StandardCharsets.UTF_8);
        }
        assertThat(answer).startsWith("HTTP/1.1 400");
        Thread.sleep(300); // the line is written after the answer
        List<String> logged = output.getAll().substring(before).lines().toList();
        assertThat(logged.stream().filter(l -> l.contains("WARN") && l.contains("Refused a request")).toList()).as(String.join("\n", logged))
                .hasSize(1);
        assertThat(logged).as(String.join("\n", logged)).noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception"));
    }
}
