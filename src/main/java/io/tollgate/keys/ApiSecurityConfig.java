package io.tollgate.keys;

import io.tollgate.apps.Applications;
import io.tollgate.organizations.Organizations;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.ClientAddresses;
import io.tollgate.platform.EnvelopeWriter;
import io.tollgate.platform.SecretHasher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.servlet.handler.HandlerMappingIntrospector;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * /api/v1/** is for external apps: stateless, API key only, nothing else of Spring Security's
 * machinery (no session, no CSRF token: there is no cookie to forge).
 */
@Configuration(proxyBeanMethods = false)
class ApiSecurityConfig implements WebMvcConfigurer {

    static {
        // AppCaller comes from the key filter, not from the request: keep it out of the OpenAPI parameters.
        org.springdoc.core.utils.SpringDocUtils.getConfig().addRequestWrapperToIgnore(AppCaller.class);
    }

    @Bean
    @Order(10)
    SecurityFilterChain appApiChain(HttpSecurity http, SecretHasher hasher, KeyDirectory directory, Applications applications,
                                    Organizations organizations, LastUsedTracker lastUsed, EnvelopeWriter writer,
                                    Clock clock, ClientAddresses clientAddresses, AuthFailureThrottle throttle,
                                    AuthFailures failures, HandlerMappingIntrospector mvcHandlerMappingIntrospector) throws Exception {
        return http.securityMatcher("/api/v1/**")
                .csrf(c -> c.disable())
                // Every filter of Spring Security's that has nothing to do here is left out: each one a call costs (issue 11
                // point 14). No session to manage, no logout URL, no servlet-API principal (nothing reads one: the caller is
                // the AppCaller attribute), no access decision left to Spring (permit all, below: the key filter decides).
                .sessionManagement(s -> s.disable())
                .logout(l -> l.disable())
                .servletApi(s -> s.disable())
                .exceptionHandling(e -> e.disable())
                .requestCache(c -> c.disable())
                .securityContext(c -> c.disable())
                .anonymous(a -> a.disable())
                .headers(h -> h.cacheControl(c -> {}))
                // CORS only where a module declared it for Spring MVC (the embed loader's call); a preflight is answered here, before the key check.
                // Finding a request's CORS settings is a full handler lookup, so it is done only for requests that name an
                // Origin: without one CORS does not apply (the processor lets such a request through whatever the settings).
                .cors(c -> c.configurationSource(request -> request.getHeader("Origin") == null ? null
                        : mvcHandlerMappingIntrospector.getCorsConfiguration(request)))
                .addFilterBefore(new AppAuthenticationFilter(new KeyCheck(hasher, directory), applications, organizations, lastUsed,
                        writer, clock, clientAddresses, throttle, failures), AuthorizationFilter.class)
                .authorizeHttpRequests(a -> a.anyRequest().permitAll())
                .build();
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new HandlerInterceptor() {
            @Override
            public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
                if (!(handler instanceof HandlerMethod method)) return true;
                RequiresScope required = method.getMethodAnnotation(RequiresScope.class);
                if (required == null) required = method.getBeanType().getAnnotation(RequiresScope.class);
                if (required == null) return true;
                AppCaller caller = (AppCaller) request.getAttribute(AppCaller.ATTRIBUTE);
                if (caller == null || !caller.has(required.value())) {
                    throw new ApiException(HttpStatus.FORBIDDEN, "INSUFFICIENT_SCOPE",
                            "This API key lacks the scope " + required.value());
                }
                return true;
            }
        }).addPathPatterns("/api/v1/**");
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(new HandlerMethodArgumentResolver() {
            @Override
            public boolean supportsParameter(MethodParameter parameter) {
                return parameter.getParameterType() == AppCaller.class;
            }

            @Override
            public Object resolveArgument(MethodParameter parameter, ModelAndViewContainer mav, NativeWebRequest request,
                                          WebDataBinderFactory binders) {
                Object caller = request.getAttribute(AppCaller.ATTRIBUTE, NativeWebRequest.SCOPE_REQUEST);
                if (caller == null) throw new ApiException(HttpStatus.UNAUTHORIZED, "INVALID_API_KEY", AppAuthenticationFilter.INVALID);
                return caller;
            }
        });
    }
}
