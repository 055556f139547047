package io.tollgate.media;

import io.tollgate.platform.ApiError;
import io.tollgate.platform.EnvelopeWriter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;

/**
 * /files/** is public for reading: the token in the path is the credential, as in a signed URL, so
 * a client can hand the link to an image tag or a media player. Nothing else is allowed there.
 */
@Configuration(proxyBeanMethods = false)
class FilesSecurityConfig {

    @Bean
    @Order(50)
    SecurityFilterChain mediaFilesChain(HttpSecurity http, EnvelopeWriter writer) throws Exception {
        return http.securityMatcher("/files/**")
                .csrf(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(c -> c.disable())
                .securityContext(c -> c.disable())
                .anonymous(a -> {})
                .authorizeHttpRequests(a -> a
                        .requestMatchers(HttpMethod.GET, "/files/*").permitAll()
                        .requestMatchers(HttpMethod.HEAD, "/files/*").permitAll()
                        .anyRequest().denyAll())
                .exceptionHandling(e -> e
                        .authenticationEntryPoint((req, res, ex) -> writer.write(res, 404, new ApiError("NOT_FOUND", "No such endpoint")))
                        .accessDeniedHandler((req, res, ex) -> writer.write(res, 404, new ApiError("NOT_FOUND", "No such endpoint"))))
                .build();
    }
}
