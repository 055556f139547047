package io.tollgate.limits.internal;

import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.tollgate.platform.EnvelopeWriter;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

@Configuration(proxyBeanMethods = false)
class RateLimitConfig implements WebMvcConfigurer {
    /** After the scope check (0) and end-user resolution (10): a call refused for scope spends no token. */
    static final int INTERCEPTOR_ORDER = 20;

    private final RateLimiter limiter;
    private final EnvelopeWriter writer;

    RateLimitConfig(RateLimiter limiter, EnvelopeWriter writer) {
        this.limiter = limiter;
        this.writer = writer;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new RateLimitInterceptor(limiter, writer)).addPathPatterns("/api/v1/**").order(INTERCEPTOR_ORDER);
    }

    /** Every app endpoint may answer 429; say so once here rather than on each controller. */
    @Bean
    OpenApiCustomizer rateLimitResponses() {
        return api -> api.getPaths().forEach((path, item) -> {
            if (!path.startsWith("/api/v1/")) return;
            item.readOperations().forEach(op -> op.getResponses().addApiResponse("429", new ApiResponse()
                    .description("RATE_LIMITED: a key, organization endpoint-class or end-user limit is used up")
                    .addHeaderObject("Retry-After", new Header().description("Seconds until a retry can pass").schema(new IntegerSchema()))
                    .addHeaderObject(RateLimitInterceptor.LIMIT, new Header().description("Size of the most restrictive bucket").schema(new IntegerSchema()))
                    .addHeaderObject(RateLimitInterceptor.REMAINING, new Header().description("Requests left in it").schema(new IntegerSchema()))
                    .addHeaderObject(RateLimitInterceptor.RESET, new Header().description("Seconds until it is full again").schema(new IntegerSchema()))));
        });
    }
}
