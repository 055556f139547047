package io.tollgate.limits.internal;

/** Whose budget a bucket is: as the 429's details.scope names it. */
enum LimitScope {
    KEY, ORGANIZATION, USER;

    String wireName() {
        return switch (this) {
            case KEY -> "key";
            case ORGANIZATION -> "organization";
            case USER -> "user";
        };
    }
}
