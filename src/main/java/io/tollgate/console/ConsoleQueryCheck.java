package io.tollgate.console;

import io.tollgate.platform.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Searches, filters and chart ranges of console GETs with a control character (a NUL PostgreSQL text
 * cannot hold) are refused up front with a 400 page naming the parameter, for every page at once; the
 * API's query check (QueryNulFilter) leaves the console alone because its answer is JSON. Forms (POSTs)
 * report such characters beside their fields instead.
 */
@Configuration
class ConsoleQueryCheck implements WebMvcConfigurer, HandlerInterceptor {
    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(this).addPathPatterns("/console", "/console/**");
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (!"GET".equals(request.getMethod())) return true;
        for (Map.Entry<String, String[]> parameter : request.getParameterMap().entrySet()) {
            boolean bad = Forms.hasControlCharacters(parameter.getKey());
            for (String value : parameter.getValue()) bad |= Forms.hasControlCharacters(value);
            if (bad) throw ApiException.invalidField(parameter.getKey(), Forms.CONTROL_MESSAGE);
        }
        return true;
    }
}
