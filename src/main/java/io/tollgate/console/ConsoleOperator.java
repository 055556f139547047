package io.tollgate.console;

import java.io.Serializable;

/** The signed-in operator as the console's session remembers them; the role is re-read on every request. */
record ConsoleOperator(String id, String email, String role) implements Serializable {
    boolean owner() { return "owner".equals(role); }
    boolean canWrite() { return "owner".equals(role) || "admin".equals(role); }
}
