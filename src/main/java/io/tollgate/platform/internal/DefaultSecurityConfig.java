package io.tollgate.platform.internal;

import io.tollgate.platform.ApiError;
import io.tollgate.platform.EnvelopeWriter;
import jakarta.servlet.DispatcherType;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The chain for everything no module claimed: the public documentation and health endpoints are
 * readable, anything else is answered 404. Modules put their own chains (API keys, admin tokens,
 * console sessions, webhooks) in front of this one.
 */
@Configuration(proxyBeanMethods = false)
class DefaultSecurityConfig {

    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE)
    SecurityFilterChain publicChain(HttpSecurity http, EnvelopeWriter writer) throws Exception {
        return http
                .csrf(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(c -> c.disable())
                .anonymous(a -> {})
                .authorizeHttpRequests(a -> a
                        .dispatcherTypeMatchers(DispatcherType.ERROR).permitAll()
                        .requestMatchers(HttpMethod.GET, "/", "/error", "/favicon.ico", "/actuator/health", "/actuator/health/**",
                                "/v3/api-docs", "/v3/api-docs/**", "/docs", "/docs/**", "/swagger-ui/**", "/webjars/**").permitAll()
                        .anyRequest().denyAll())
                .exceptionHandling(e -> e
                        .authenticationEntryPoint((req, res, ex) -> writer.write(res, 404, new ApiError("NOT_FOUND", "No such endpoint")))
                        .accessDeniedHandler((req, res, ex) -> writer.write(res, 404, new ApiError("NOT_FOUND", "No such endpoint"))))
                .build();
    }
}
