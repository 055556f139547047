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
import org.springframework.security.config.annotation.web.configuration.WebSecurityCustomizer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.firewall.StrictHttpFirewall;

/**
 * The chain for everything no module claimed: the public documentation and health endpoints are
 * readable, anything else is answered 404. Modules put their own chains (API keys, admin tokens,
 * console sessions, webhooks) in front of this one.
 */
@Configuration(proxyBeanMethods = false)
class DefaultSecurityConfig {

    /**
     * No observation of Spring Security's filters, authentications and authorizations: the property that turns
     * them off (management.observations.enable.spring.security) only makes each a no-op, while every filter of
     * every request was still wrapped and named (string building and observation contexts per filter: a large
     * share of a metered call's allocations in the profile, docs/PERFORMANCE.md). HTTP request metrics stay.
     */
    @Bean
    SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    /** Spring Security's strict firewall with its header rule checked without regular expressions ({@link HeaderCharacters}). */
    @Bean
    WebSecurityCustomizer firewall() {
        StrictHttpFirewall firewall = new StrictHttpFirewall();
        firewall.setAllowedHeaderNames(HeaderCharacters::nameAllowed);
        firewall.setAllowedHeaderValues(HeaderCharacters::valueAllowed);
        return web -> web.httpFirewall(firewall);
    }

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
