package io.tollgate.identity.internal;

import io.tollgate.platform.ApiError;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.EnvelopeWriter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The two places a browser, not an app's code, calls the app API.
 * <ul>
 * <li>The provider's callback carries no API key: its own chain (before the API key chain, order 10)
 *     lets GET through and nothing else; the single-use state authenticates it.</li>
 * <li>The start of a sign-in is a link the browser follows, which cannot carry headers: a publishable
 *     key (public by nature: it ships inside clients) may come as {@code ?api_key=…&app_id=…} and is
 *     presented to the key chain as the usual headers, so one filter still authenticates every key.
 *     A secret key in a URL is refused before it is checked.</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
class OAuthSecurityConfig {
    static final String CALLBACK = "/api/v1/auth/oauth/*/callback";
    static final Pattern START = Pattern.compile("/api/v1/auth/oauth/[^/]+/start");
    static final String PUBLISHABLE_PREFIX = "tg_pk_";

    @Bean
    @Order(9)
    SecurityFilterChain oauthCallbackChain(HttpSecurity http, EnvelopeWriter writer) throws Exception {
        return http.securityMatcher(CALLBACK)
                .csrf(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(c -> c.disable())
                .securityContext(c -> c.disable())
                .anonymous(a -> {})
                .headers(h -> h.cacheControl(c -> {}))
                .authorizeHttpRequests(a -> a.requestMatchers(HttpMethod.GET, CALLBACK).permitAll().anyRequest().denyAll())
                .exceptionHandling(e -> e
                        .authenticationEntryPoint((req, res, ex) -> writer.write(res, 404, new ApiError("NOT_FOUND", "No such endpoint")))
                        .accessDeniedHandler((req, res, ex) -> writer.write(res, 404, new ApiError("NOT_FOUND", "No such endpoint"))))
                .build();
    }

    /** Runs before Spring Security's filter (order -100), after request id, body limit and NUL checks. */
    @Bean
    FilterRegistrationBean<OncePerRequestFilter> oauthStartKeyFromQuery(EnvelopeWriter writer) {
        FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(startKeyFilter(writer));
        registration.setOrder(-101);
        registration.addUrlPatterns("/api/v1/auth/oauth/*");
        return registration;
    }

    private static OncePerRequestFilter startKeyFilter(EnvelopeWriter writer) {
        return new OncePerRequestFilter() {
            @Override
            protected boolean shouldNotFilter(HttpServletRequest request) {
                return !"GET".equals(request.getMethod()) || !START.matcher(request.getRequestURI()).matches()
                        || request.getHeader("Authorization") != null || request.getParameter("api_key") == null;
            }

            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                    throws ServletException, IOException {
                String key = request.getParameter("api_key");
                if (!key.startsWith(PUBLISHABLE_PREFIX)) {
                    writer.write(response, ApiException.invalidField("api_key",
                            "must be a publishable key (tg_pk_…): a secret key never goes in a URL; revoke it if it did"));
                    return;
                }
                chain.doFilter(new KeyHeaders(request, "Bearer " + key, request.getParameter("app_id")), response);
            }
        };
    }

    /** The request as the key chain expects it: Authorization and X-App-Id from the query. */
    static final class KeyHeaders extends HttpServletRequestWrapper {
        private final String authorization;
        private final String appId;

        KeyHeaders(HttpServletRequest request, String authorization, String appId) {
            super(request);
            this.authorization = authorization;
            this.appId = appId;
        }

        private String added(String name) {
            if ("Authorization".equalsIgnoreCase(name)) return authorization;
            if ("X-App-Id".equalsIgnoreCase(name) && super.getHeader(name) == null) return appId;
            return null;
        }

        @Override
        public String getHeader(String name) {
            String value = added(name);
            return value != null ? value : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            String value = added(name);
            return value != null ? Collections.enumeration(List.of(value)) : super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            List<String> names = new ArrayList<>(Collections.list(super.getHeaderNames()));
            names.add("Authorization");
            if (appId != null) names.add("X-App-Id");
            return Collections.enumeration(names);
        }
    }
}
