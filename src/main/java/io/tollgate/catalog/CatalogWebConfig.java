package io.tollgate.catalog;

import io.tollgate.platform.ApiError;
import io.tollgate.platform.EnvelopeWriter;
import io.tollgate.platform.SealedColumn;
import io.tollgate.platform.SealedValues;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.servlet.config.annotation.CorsRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** The embed loader's chain and CORS, and the sealed embed keys' part in master-key rotation. */
@Configuration(proxyBeanMethods = false)
class CatalogWebConfig implements WebMvcConfigurer {

    /** /embed/** is public and read-only: a script anyone's page may load. */
    @Bean
    @Order(40)
    SecurityFilterChain embedChain(HttpSecurity http, EnvelopeWriter writer) throws Exception {
        return http.securityMatcher("/embed/**")
                .csrf(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(c -> c.disable())
                .securityContext(c -> c.disable())
                // The loader sets its own Cache-Control; Spring Security's default would forbid caching it.
                .headers(h -> h.cacheControl(c -> c.disable()))
                .authorizeHttpRequests(a -> a.requestMatchers(HttpMethod.GET, "/embed/**").permitAll().anyRequest().denyAll())
                .exceptionHandling(e -> e
                        .authenticationEntryPoint((req, res, ex) -> writer.write(res, 405, new ApiError("METHOD_NOT_ALLOWED", "The embed loader is read with GET")))
                        .accessDeniedHandler((req, res, ex) -> writer.write(res, 405, new ApiError("METHOD_NOT_ALLOWED", "The embed loader is read with GET"))))
                .build();
    }

    /**
     * The loader is fetched with SRI (crossorigin="anonymous") and calls /api/v1/embed with the key from
     * any customer's page: both allow every origin without credentials. Whether the origin may use the
     * key is the key filter's decision (ORIGIN_NOT_ALLOWED), not the browser's.
     */
    @Override
    public void addCorsMappings(CorsRegistry registry) {
        registry.addMapping("/embed/**").allowedOriginPatterns("*").allowedMethods("GET").allowCredentials(false).maxAge(3600);
        registry.addMapping("/api/v1/embed/**").allowedOriginPatterns("*").allowedMethods("GET")
                .allowedHeaders("Authorization", "X-App-Id").allowCredentials(false).maxAge(600);
    }

    /** Master-key rotation re-wraps the sealed embed keys in this module's own table. */
    @Bean
    SealedValues sealedEmbedKeys(JdbcClient jdbc) {
        return new SealedColumn("catalog.customer_apps", jdbc, "customer_apps", "id", "embed_key_sealed");
    }
}
