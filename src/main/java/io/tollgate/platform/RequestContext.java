package io.tollgate.platform;

import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

/**
 * Per-request facts set by the platform's filters (request id) and the authentication filters
 * (actor), read by the envelope and the audit log. Outside a request it answers with defaults.
 */
public final class RequestContext {
    public static final String REQUEST_ID_ATTRIBUTE = "tollgate.requestId";
    public static final String ACTOR_ATTRIBUTE = "tollgate.actor";

    private RequestContext() {}

    public static String requestId() {
        Object id = attribute(REQUEST_ID_ATTRIBUTE);
        return id == null ? null : id.toString();
    }

    public static Actor actor() {
        Object actor = attribute(ACTOR_ATTRIBUTE);
        return actor instanceof Actor a ? a : Actor.SYSTEM;
    }

    public static void setActor(Actor actor) {
        RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
        if (attributes != null) attributes.setAttribute(ACTOR_ATTRIBUTE, actor, RequestAttributes.SCOPE_REQUEST);
    }

    private static Object attribute(String name) {
        RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
        return attributes == null ? null : attributes.getAttribute(name, RequestAttributes.SCOPE_REQUEST);
    }
}
