package io.tollgate.platform.internal;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * HTTP requests run on Tomcat's own pool of platform threads (server.tomcat.threads.*), while background
 * work keeps its virtual threads (spring.threads.virtual.enabled). On a two-core machine under load, requests
 * on virtual threads queued for the scheduler's two carrier threads: most were served at once and about one
 * in a hundred waited seconds, with the server's own processing time (first byte read to answer) a few ms
 * at p99. The operating system's scheduler shares the CPU among platform threads fairly, so no request waits
 * behind the others for long (docs/PERFORMANCE.md, "Tail latency"). TOLLGATE_HTTP_VIRTUAL_THREADS=true
 * brings back virtual threads for HTTP.
 */
@Configuration(proxyBeanMethods = false)
class HttpThreadsConfig {

    @Bean
    @ConditionalOnProperty(name = "tollgate.http.virtual-threads", havingValue = "false", matchIfMissing = true)
    PlatformHttpThreads platformHttpThreads() {
        return new PlatformHttpThreads();
    }

    /** Runs after Spring Boot's virtual-thread customizer and undoes it for the connector only. */
    static final class PlatformHttpThreads implements WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory>, Ordered {
        @Override
        public void customize(ConfigurableTomcatWebServerFactory factory) {
            // No executor: Tomcat makes its internal pool, sized by server.tomcat.threads.max and min-spare.
            factory.addProtocolHandlerCustomizers(protocolHandler -> protocolHandler.setExecutor(null));
        }

        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE;
        }
    }
}
