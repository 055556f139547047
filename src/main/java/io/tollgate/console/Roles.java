package io.tollgate.console;

import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/** The controllers' own role checks, behind the security chain's: a forged request meets both. */
final class Roles {
    private Roles() {}

    static ConsoleOperator current() {
        Authentication authentication = SecurityContextHolder.getContextHolderStrategy().getContext().getAuthentication();
        if (authentication != null && authentication.getPrincipal() instanceof ConsoleOperator operator) return operator;
        throw new AccessDeniedException("Not signed in");
    }

    /** Owners and admins change things; viewers only look. */
    static ConsoleOperator requireWriter() {
        ConsoleOperator operator = current();
        if (!operator.canWrite()) throw new AccessDeniedException("Viewers cannot change anything");
        return operator;
    }

    static ConsoleOperator requireOwner() {
        ConsoleOperator operator = current();
        if (!operator.owner()) throw new AccessDeniedException("Only owners manage operators");
        return operator;
    }
}
