package io.tollgate.console;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * A /console/… path no page answers is the console's own 404 page (HTML, its layout and top bar), not
 * the API's JSON. Spring MVC reports such a path from its static-resource handler, which no console
 * controller advice sees, so this resolver runs before the API's handler and takes /console paths only.
 * (Signed-out visitors are sent to the sign-in page first, as for every console page.) Missing assets
 * under /console/assets/ keep the plain 404.
 */
@Component
class ConsoleNotFound implements HandlerExceptionResolver, Ordered {

    @Override
    public ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response, Object handler, Exception e) {
        if (!(e instanceof NoResourceFoundException)) return null;
        String path = request.getRequestURI();
        // Pages only: a missing stylesheet or script is nothing a person reads (and Thymeleaf would type
        // an HTML page at a .css path as text/css).
        if (!path.equals("/console") && !path.startsWith("/console/") || path.startsWith("/console/assets/")) return null;
        response.setStatus(404);
        return ConsoleAdvice.error(404, "Page not found", "There is no console page at " + path + ". Pick a section above.");
    }

    @Override
    public int getOrder() {
        // After Spring Boot's DefaultErrorAttributes (which only records the exception), before MVC's own resolvers.
        return Ordered.HIGHEST_PRECEDENCE + 1;
    }
}
