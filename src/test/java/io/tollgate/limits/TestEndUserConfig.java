package io.tollgate.limits;

import io.tollgate.identity.EndUserCaller;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Test-only: names the end user of a call through a plain header, standing in for the identity
 * module's token check (order 10), so per-user limits can be tested on their own. Order 15: after
 * identity, before the rate limiter (20). Off unless a test sets {@link #PROPERTY}: anywhere else the
 * header would let any caller act as any user.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(TestEndUserConfig.PROPERTY)
class TestEndUserConfig implements WebMvcConfigurer {
    static final String PROPERTY = "tollgate.test.end-user-header";
    static final String HEADER = "X-Test-End-User";

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new HandlerInterceptor() {
            @Override
            public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
                String id = request.getHeader(HEADER);
                if (id != null) request.setAttribute(EndUserCaller.ATTRIBUTE, new EndUserCaller(id, null, "registered"));
                return true;
            }
        }).addPathPatterns("/api/v1/**").order(15);
    }
}
