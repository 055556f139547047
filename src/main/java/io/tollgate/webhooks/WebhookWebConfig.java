package io.tollgate.webhooks;

import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.tollgate.keys.AppCaller;
import io.tollgate.keys.Scopes;
import io.tollgate.platform.ApiException;
import java.util.List;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** Resolves {@link WebhookOwner}; documents the admin paths' {organizationId}. */
@Configuration(proxyBeanMethods = false)
class WebhookWebConfig implements WebMvcConfigurer {
    static final String ADMIN_BASE = "/api/admin/organizations/{organizationId}";

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(new HandlerMethodArgumentResolver() {
            @Override
            public boolean supportsParameter(MethodParameter parameter) {
                return parameter.getParameterType() == WebhookOwner.class;
            }

            @Override
            public Object resolveArgument(MethodParameter parameter, ModelAndViewContainer mav, NativeWebRequest request,
                                          WebDataBinderFactory binders) {
                @SuppressWarnings("unchecked")
                Map<String, String> variables = (Map<String, String>) request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE,
                        NativeWebRequest.SCOPE_REQUEST);
                if (variables != null && variables.containsKey("organizationId")) return new WebhookOwner(variables.get("organizationId"));
                Object attribute = request.getAttribute(AppCaller.ATTRIBUTE, NativeWebRequest.SCOPE_REQUEST);
                if (!(attribute instanceof AppCaller caller)) {
                    throw new ApiException(HttpStatus.UNAUTHORIZED, "INVALID_API_KEY", "An API key is required");
                }
                if (!caller.secret() || !caller.has(Scopes.WEBHOOKS_MANAGE)) {
                    throw new ApiException(HttpStatus.FORBIDDEN, "INSUFFICIENT_SCOPE",
                            "Managing webhooks needs a secret key with the scope " + Scopes.WEBHOOKS_MANAGE);
                }
                return new WebhookOwner(caller.organizationId());
            }
        });
    }

    /** Operations served on both bases take the organization from the admin path: say so in the document. */
    @Bean
    OpenApiCustomizer webhookAdminPathParameter() {
        return api -> api.getPaths().forEach((path, item) -> {
            if (!path.startsWith("/api/admin/organizations/{organizationId}/webhook")) return;
            item.readOperations().forEach(op -> {
                boolean declared = op.getParameters() != null && op.getParameters().stream().anyMatch(p -> "organizationId".equals(p.getName()));
                if (!declared) {
                    op.addParametersItem(new Parameter().in("path").name("organizationId").required(true).schema(new StringSchema())
                            .description("The organization (org_…)"));
                }
            });
        });
    }
}
