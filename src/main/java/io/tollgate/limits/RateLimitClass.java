package io.tollgate.limits;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Puts an /api/v1 endpoint (a method, or every method of a controller) under its organization's
 * limit for this class, on top of the calling key's own limit. A method's annotation wins over its
 * class's. Without it, only the key (and end-user) limits apply.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface RateLimitClass {
    EndpointClass value();
}
