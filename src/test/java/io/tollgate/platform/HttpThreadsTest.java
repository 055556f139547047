package io.tollgate.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.ApiTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.tomcat.util.threads.ThreadPoolExecutor;
import org.junit.jupiter.api.Test;
import io.tollgate.platform.internal.RunSlotFilter;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

/**
 * The shipped thread model of HTTP requests (issue 11 point 14): Tomcat's own pool of platform threads, not
 * virtual threads, while background work keeps virtual threads; and the README's production command is the
 * one bench/tail.sh measures. No timing here: the latency itself is the benchmark's (docs/PERFORMANCE.md).
 */
class HttpThreadsTest extends ApiTest {
    @Autowired
    WebServerApplicationContext context;

    @Test
    void requestsRunOnTomcatsPlatformThreadPool() {
        var executor = ((TomcatWebServer) context.getWebServer()).getTomcat().getConnector().getProtocolHandler().getExecutor();
        assertThat(executor).isInstanceOf(ThreadPoolExecutor.class); // Tomcat's VirtualThreadExecutor if virtual
        assertThat(((ThreadPoolExecutor) executor).getMaximumPoolSize()).isEqualTo(200);
        assertThat(admin.get("/api/admin/organizations").status()).isEqualTo(200);
        assertThat(Thread.getAllStackTraces().keySet()).as("a platform thread of the HTTP pool")
                .anyMatch(thread -> thread.getName().startsWith("http-nio-") && thread.getName().contains("-exec-"));
        // Background work still runs on virtual threads.
        assertThat(context.getEnvironment().getProperty("spring.threads.virtual.enabled")).isEqualTo("true");
    }

    @Autowired
    RunSlotFilter runSlots;

    @Test
    void requestsRunOnTheCpuFourPerCoreAndGiveTheirSlotBack() {
        assertThat(runSlots.size()).isEqualTo(4 * Runtime.getRuntime().availableProcessors());
        assertThat(admin.get("/api/admin/organizations").status()).isEqualTo(200);
        // The slot is returned when the request leaves the filter, which may be just after its answer was read.
        for (int i = 0; i < 100 && runSlots.free() != runSlots.size(); i++) Thread.onSpinWait();
        assertThat(runSlots.free()).isEqualTo(runSlots.size());
    }

    @Test
    void readmeProductionCommandIsTheOneTheTailBenchmarkMeasures() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        Matcher command = Pattern.compile("\\njava (.+) -jar tollgate\\.jar").matcher(readme);
        assertThat(command.find()).as("README's production java command").isTrue();
        String flags = command.group(1);
        assertThat(flags).contains("-Xms512m", "-Xmx512m");
        assertThat(readme).contains("TOLLGATE_HTTP_VIRTUAL_THREADS");
        assertThat(Files.readString(Path.of("bench/tail.sh"))).contains("JAVA_OPTS=\"" + flags + "\"");
    }

    @Test
    void whatEveryRequestPaysBeforeItsHandlerIsKeptSmall() {
        // docs/PERFORMANCE.md "HTTP in, third pass": each of these was measured in a metered call's profile.
        assertThat(context.getBean("requestMappingHandlerMapping").getClass().getSimpleName()).isEqualTo("PathFirstHandlerMapping");
        var protocol = (org.apache.coyote.http11.AbstractHttp11Protocol<?>) ((TomcatWebServer) context.getWebServer()).getTomcat()
                .getConnector().getProtocolHandler();
        assertThat(protocol.getMaxKeepAliveRequests()).isEqualTo(10_000);
        var observations = context.getBean(org.springframework.security.config.observation.SecurityObservationSettings.class);
        assertThat(observations.shouldObserveRequests()).isFalse();
        assertThat(observations.shouldObserveAuthentications()).isFalse();
        assertThat(observations.shouldObserveAuthorizations()).isFalse();
        // No ServletRequestHandledEvent per request.
        assertThat(org.springframework.test.util.ReflectionTestUtils.getField(context.getBean(
                org.springframework.web.servlet.DispatcherServlet.class), "publishEvents")).isEqualTo(false);
        // The API chain: only the filters an API-key call needs.
        var chains = context.getBeansOfType(org.springframework.security.web.SecurityFilterChain.class);
        var apiFilters = chains.get("appApiChain").getFilters().stream().map(f -> f.getClass().getSimpleName()).toList();
        assertThat(apiFilters).contains("AppAuthenticationFilter").doesNotContain("SessionManagementFilter", "LogoutFilter",
                "SecurityContextHolderAwareRequestFilter", "ExceptionTranslationFilter", "AnonymousAuthenticationFilter",
                "RequestCacheAwareFilter", "SecurityContextHolderFilter", "CsrfFilter");
    }
}
