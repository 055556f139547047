package io.tollgate.payments;

import io.tollgate.platform.ApiError;
import io.tollgate.platform.EnvelopeWriter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Providers call /webhooks/** with no Tollgate credentials: each endpoint proves the call itself
 * (Stripe's signature, M-Pesa's secret path token plus matching amount and checkout id).
 */
@Configuration(proxyBeanMethods = false)
class WebhookSecurityConfig {

    @Bean
    @Order(30)
    SecurityFilterChain webhookChain(HttpSecurity http, EnvelopeWriter writer) throws Exception {
        return http.securityMatcher("/webhooks/**")
                .csrf(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(c -> c.disable())
                .securityContext(c -> c.disable())
                .authorizeHttpRequests(a -> a.anyRequest().permitAll())
                .exceptionHandling(e -> e.accessDeniedHandler((req, res, ex) -> writer.write(res, 403, new ApiError("FORBIDDEN", "Refused"))))
                .build();
    }
}
