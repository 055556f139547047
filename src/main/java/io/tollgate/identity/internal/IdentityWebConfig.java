package io.tollgate.identity.internal;

import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.HeaderParameter;
import io.tollgate.identity.EndUserCaller;
import io.tollgate.platform.ApiException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Wires end-user resolution into every /api/v1 call. Order 10: after the key module's scope check
 * (order 0), before per-user rate limits (order 20), which need to know the user. Controllers of any
 * module declare {@code EndUserCaller user} (required) or {@code Optional<EndUserCaller> user}.
 */
@Configuration(proxyBeanMethods = false)
class IdentityWebConfig implements WebMvcConfigurer {
    static final int RESOLVER_ORDER = 10;

    static {
        // Resolved from headers, not bound from the query: keep it out of the OpenAPI parameters.
        SpringDocUtils.getConfig().addRequestWrapperToIgnore(EndUserCaller.class);
    }

    private final EndUserResolver resolver;

    IdentityWebConfig(AccessTokens tokens, Sessions sessions, UserDirectory directory, AuthService auth, LastSeenTracker lastSeen) {
        this.resolver = new EndUserResolver(tokens, sessions, directory, auth, lastSeen);
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(resolver).addPathPatterns("/api/v1/**").order(RESOLVER_ORDER);
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(new HandlerMethodArgumentResolver() {
            @Override
            public boolean supportsParameter(MethodParameter parameter) {
                return parameter.getParameterType() == EndUserCaller.class;
            }

            @Override
            public Object resolveArgument(MethodParameter parameter, ModelAndViewContainer mav, NativeWebRequest request,
                                          WebDataBinderFactory binders) {
                Object user = request.getAttribute(EndUserCaller.ATTRIBUTE, NativeWebRequest.SCOPE_REQUEST);
                if (user == null) {
                    throw new ApiException(HttpStatus.UNAUTHORIZED, "USER_TOKEN_REQUIRED", "This call acts for an end user: send the user's "
                            + "access token as " + EndUserResolver.USER_TOKEN_HEADER + ", or (secret keys with users:impersonate) the app's "
                            + "own user id as " + EndUserResolver.EXTERNAL_USER_HEADER);
                }
                return user;
            }
        });
        resolvers.add(new HandlerMethodArgumentResolver() {
            @Override
            public boolean supportsParameter(MethodParameter parameter) {
                return isOptionalUser(parameter);
            }

            @Override
            public Object resolveArgument(MethodParameter parameter, ModelAndViewContainer mav, NativeWebRequest request,
                                          WebDataBinderFactory binders) {
                return Optional.ofNullable((EndUserCaller) request.getAttribute(EndUserCaller.ATTRIBUTE, NativeWebRequest.SCOPE_REQUEST));
            }
        });
    }

    private static boolean isOptionalUser(MethodParameter parameter) {
        return parameter.getParameterType() == Optional.class && parameter.nestedIfOptional().getNestedParameterType() == EndUserCaller.class;
    }

    /** Operations that act for an end user document the two headers that name one. */
    @Bean
    OperationCustomizer endUserHeaders() {
        return (operation, handler) -> {
            MethodParameter[] parameters = handler.getMethodParameters();
            boolean required = Arrays.stream(parameters).anyMatch(p -> p.getParameterType() == EndUserCaller.class);
            boolean optional = Arrays.stream(parameters).anyMatch(IdentityWebConfig::isOptionalUser);
            if (!required && !optional) return operation;
            // springdoc's ignore list sees Optional, not what it holds: drop the query parameter it made.
            Arrays.stream(parameters).filter(IdentityWebConfig::isOptionalUser).map(MethodParameter::getParameterName)
                    .forEach(name -> {
                        if (operation.getParameters() != null) {
                            operation.getParameters().removeIf(p -> "query".equals(p.getIn()) && p.getName().equals(name));
                        }
                    });
            String need = required ? "One of X-User-Token and X-External-User-Id is required. " : "Optional. ";
            operation.addParametersItem(new HeaderParameter().name(EndUserResolver.USER_TOKEN_HEADER).schema(new StringSchema())
                    .description(need + "An end user's access token (from register, login, anonymous or refresh)."));
            operation.addParametersItem(new HeaderParameter().name(EndUserResolver.EXTERNAL_USER_HEADER).schema(new StringSchema().maxLength(255))
                    .description(need + "The app's own id for the user; secret keys with users:impersonate only. Created on first use."));
            return operation;
        };
    }
}
