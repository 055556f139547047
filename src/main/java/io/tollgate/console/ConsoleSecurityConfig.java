package io.tollgate.console;

import io.tollgate.operators.Operator;
import io.tollgate.operators.OperatorAccounts;
import io.tollgate.platform.Actor;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.DatabaseErrors;
import io.tollgate.platform.RequestContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * /console/** is for people: a session cookie (HttpOnly, SameSite=Lax, see application.properties),
 * CSRF tokens on every form and htmx request, sign-in with an operator account. Roles are enforced
 * here for every request — viewers may only GET, only owners reach /console/operators — and again in
 * the controllers, so a hidden button is never the only thing standing in the way.
 */
@Configuration(proxyBeanMethods = false)
class ConsoleSecurityConfig {
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'";

    @Bean
    @Order(30)
    SecurityFilterChain consoleChain(HttpSecurity http, OperatorAccounts accounts) throws Exception {
        return http.securityMatcher("/console", "/console/**")
                .authenticationProvider(new OperatorAuthenticationProvider(accounts))
                .authorizeHttpRequests(a -> a
                        .requestMatchers("/console/assets/**").permitAll()
                        .requestMatchers("/console/login").permitAll()
                        .requestMatchers("/console/operators", "/console/operators/**").hasRole("OWNER")
                        .requestMatchers(HttpMethod.POST, "/console/logout").authenticated()
                        .requestMatchers(HttpMethod.GET, "/console", "/console/**").hasAnyRole("OWNER", "ADMIN", "VIEWER")
                        .anyRequest().hasAnyRole("OWNER", "ADMIN"))
                .formLogin(f -> f.loginPage("/console/login").loginProcessingUrl("/console/login")
                        .usernameParameter("email").passwordParameter("password")
                        .defaultSuccessUrl("/console", false)
                        .failureHandler(ConsoleSecurityConfig::signInFailed))
                .logout(l -> l.logoutUrl("/console/logout").logoutSuccessUrl("/console/login?signed_out"))
                .sessionManagement(s -> s.sessionFixation(f -> f.changeSessionId()))
                .headers(h -> h.contentSecurityPolicy(c -> c.policyDirectives(CSP)))
                .exceptionHandling(e -> e.accessDeniedHandler(ConsoleSecurityConfig::denied))
                .addFilterBefore(new CurrentOperatorFilter(accounts), AuthorizationFilter.class)
                .build();
    }

    private static void signInFailed(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        if (DatabaseErrors.isUnavailable(e)) { // not a wrong password: the accounts could not be read
            ConsoleUnavailablePage.write(response, RequestContext.requestId());
            return;
        }
        String target = e instanceof OperatorLockedException locked
                ? "/console/login?locked=" + locked.until.getEpochSecond()
                : "/console/login?error";
        response.sendRedirect(request.getContextPath() + target);
    }

    /**
     * A refused CSRF token is a form that outlived its session (a sign-in page left open past the session
     * timeout, a server restart), not a role problem: the sign-in form, or any form of someone no longer
     * signed in, leads to a fresh sign-in form saying so; a signed-in operator is told to reload the page.
     */
    static void denied(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e) throws IOException {
        if (!(e instanceof CsrfException)) {
            forbidden(response);
            return;
        }
        if (request.getRequestURI().equals("/console/login") || ConsoleAdvice.signedIn() == null) {
            response.sendRedirect(request.getContextPath() + "/console/login?expired");
            return;
        }
        page(response, 403, "Form expired", "This form has expired (forms are valid for the session that showed them). "
                + "Go back, reload the page and try again.");
    }

    static void forbidden(HttpServletResponse response) throws IOException {
        page(response, 403, "Not allowed", "Your role may not do this. Viewers can look at everything and change nothing; "
                + "only owners manage operators.");
    }

    /** A plain page written from a filter (no view rendering there); the texts are constants, never input. */
    private static void page(HttpServletResponse response, int status, String title, String text) throws IOException {
        response.setStatus(status);
        response.setContentType("text/html;charset=UTF-8");
        response.getOutputStream().write(("""
                <!doctype html><html lang="en"><head><meta charset="utf-8"><title>%s · Tollgate</title>
                <link rel="stylesheet" href="/console/assets/console.css"></head>
                <body><main class="narrow"><h1>%s</h1><p>%s</p><p><a href="/console">Back to the console</a></p>
                </main></body></html>""").formatted(title, title, text).getBytes(StandardCharsets.UTF_8));
    }

    static final class OperatorLockedException extends LockedException {
        final transient Instant until;

        OperatorLockedException(Instant until) {
            super("Locked until " + until);
            this.until = until;
        }
    }

    /** Email + Argon2id password through OperatorAccounts.signIn, which also counts failures and locks. */
    static final class OperatorAuthenticationProvider implements AuthenticationProvider {
        private final OperatorAccounts accounts;

        OperatorAuthenticationProvider(OperatorAccounts accounts) {
            this.accounts = accounts;
        }

        @Override
        public Authentication authenticate(Authentication authentication) {
            String email = authentication.getName() == null ? "" : authentication.getName().strip();
            String password = authentication.getCredentials() == null ? "" : authentication.getCredentials().toString();
            if (email.length() > 320 || password.length() > 1024) throw new BadCredentialsException("Wrong email or password");
            return switch (accounts.signIn(email, password)) {
                case OperatorAccounts.SignIn.Success s -> token(new ConsoleOperator(s.operator().id(), s.operator().email(),
                        s.operator().role().name().toLowerCase()));
                case OperatorAccounts.SignIn.Locked l -> throw new OperatorLockedException(l.until());
                case OperatorAccounts.SignIn.Failure f -> throw new BadCredentialsException("Wrong email or password");
            };
        }

        @Override
        public boolean supports(Class<?> type) {
            return UsernamePasswordAuthenticationToken.class.isAssignableFrom(type);
        }
    }

    static UsernamePasswordAuthenticationToken token(ConsoleOperator operator) {
        return UsernamePasswordAuthenticationToken.authenticated(operator, null,
                List.of(new SimpleGrantedAuthority("ROLE_" + operator.role().toUpperCase())));
    }

    /**
     * Re-reads the operator on every request: a disabled operator is signed out at once and a changed
     * role applies to the very next click. Makes the operator the actor of everything audited.
     */
    static final class CurrentOperatorFilter extends OncePerRequestFilter {
        private final OperatorAccounts accounts;

        CurrentOperatorFilter(OperatorAccounts accounts) {
            this.accounts = accounts;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            SecurityContext context = SecurityContextHolder.getContextHolderStrategy().getContext();
            Authentication authentication = context.getAuthentication();
            if (authentication != null && authentication.getPrincipal() instanceof ConsoleOperator remembered) {
                Optional<Operator> current;
                try {
                    current = findOnLiveConnection(remembered.id());
                } catch (RuntimeException e) {
                    if (!DatabaseErrors.isUnavailable(e)) throw e;
                    ConsoleUnavailablePage.write(response, RequestContext.requestId());
                    return;
                }
                if (current.isEmpty() || !"active".equals(current.get().status())) {
                    SecurityContextHolder.getContextHolderStrategy().clearContext();
                    HttpSession session = request.getSession(false);
                    if (session != null) session.invalidate();
                } else {
                    ConsoleOperator now = new ConsoleOperator(remembered.id(), current.get().email(),
                            current.get().role().name().toLowerCase());
                    SecurityContext fresh = SecurityContextHolder.getContextHolderStrategy().createEmptyContext();
                    fresh.setAuthentication(token(now));
                    SecurityContextHolder.getContextHolderStrategy().setContext(fresh);
                    RequestContext.setActor(new Actor("operator", now.id(), now.role()));
                }
            }
            chain.doFilter(request, response);
        }

        /** A read: once more if the first connection turned out dead (the pool has dropped the dead ones by then). */
        private Optional<Operator> findOnLiveConnection(String id) {
            try {
                return find(id);
            } catch (RuntimeException e) {
                if (!DatabaseErrors.isConnectionLost(e)) throw e;
                return find(id);
            }
        }

        private Optional<Operator> find(String id) {
            try {
                return Optional.of(accounts.get(id));
            } catch (ApiException notFound) {
                return Optional.empty();
            }
        }
    }
}
