package io.tollgate.operators;

import io.tollgate.platform.Actor;
import io.tollgate.platform.ApiError;
import io.tollgate.platform.EnvelopeWriter;
import io.tollgate.platform.RequestContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The admin API (/api/external-apps/**, /api/admin/**) and the actuator take an admin token as
 * Authorization: Bearer. Viewers read; admins change; owners also manage operators and admin tokens.
 */
@Configuration(proxyBeanMethods = false)
class AdminSecurityConfig {

    @Bean
    @Order(20)
    SecurityFilterChain adminApiChain(HttpSecurity http, AdminTokens tokens, EnvelopeWriter writer) throws Exception {
        return http.securityMatcher("/api/**", "/actuator/**")
                .csrf(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(c -> c.disable())
                .anonymous(a -> a.disable())
                .addFilterBefore(new AdminTokenFilter(tokens, writer), AuthorizationFilter.class)
                .authorizeHttpRequests(a -> a
                        .requestMatchers(HttpMethod.GET, "/actuator/health", "/actuator/health/**").permitAll()
                        .requestMatchers("/api/admin/tokens", "/api/admin/tokens/**", "/api/admin/operators", "/api/admin/operators/**")
                        .hasRole("OWNER")
                        .requestMatchers(HttpMethod.GET, "/**").hasAnyRole("OWNER", "ADMIN", "VIEWER")
                        .anyRequest().hasAnyRole("OWNER", "ADMIN"))
                .exceptionHandling(e -> e
                        .authenticationEntryPoint((req, res, ex) -> writer.write(res, 401,
                                new ApiError("INVALID_ADMIN_TOKEN", "Send an admin token as Authorization: Bearer <token>")))
                        .accessDeniedHandler((req, res, ex) -> writer.write(res, 403,
                                new ApiError("FORBIDDEN", "Your role may not do this"))))
                .build();
    }

    static final class AdminTokenFilter extends OncePerRequestFilter {
        private final AdminTokens tokens;
        private final EnvelopeWriter writer;

        AdminTokenFilter(AdminTokens tokens, EnvelopeWriter writer) {
            this.tokens = tokens;
            this.writer = writer;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            String header = request.getHeader("Authorization");
            if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
                Optional<Actor> actor = tokens.authenticate(header.substring(7).trim());
                if (actor.isEmpty()) {
                    writer.write(response, 401, new ApiError("INVALID_ADMIN_TOKEN", "Admin token is invalid, revoked or expired"));
                    return;
                }
                SecurityContext context = SecurityContextHolder.getContextHolderStrategy().createEmptyContext();
                context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(actor.get(), null,
                        List.of(new SimpleGrantedAuthority("ROLE_" + actor.get().role().toUpperCase()))));
                SecurityContextHolder.getContextHolderStrategy().setContext(context);
                RequestContext.setActor(actor.get());
            }
            chain.doFilter(request, response);
        }
    }
}
