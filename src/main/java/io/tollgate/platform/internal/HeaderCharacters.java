package io.tollgate.platform.internal;

/**
 * Spring Security's firewall rule for request header names and values, without a regular expression: every
 * code point assigned and not a control character (a value may also hold tabs). The firewall's own rule is
 * the same check as the patterns {@code [\p{IsAssigned}&&[^\p{IsControl}]]*} and
 * {@code [\p{IsAssigned}&&[[^\p{IsControl}]||\t]]*}, run on every header read of every request — a few percent of
 * a metered call's CPU (docs/PERFORMANCE.md); HeaderCharactersTest checks both agree.
 */
final class HeaderCharacters {
    private HeaderCharacters() {}

    static boolean nameAllowed(String name) {
        return allowed(name, false);
    }

    static boolean valueAllowed(String value) {
        return allowed(value, true);
    }

    private static boolean allowed(String s, boolean tab) {
        for (int i = 0; i < s.length(); ) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7f) { // printable ASCII: assigned, not control
                i++;
                continue;
            }
            int cp = s.codePointAt(i);
            if (Character.getType(cp) == Character.UNASSIGNED) return false;
            if (Character.getType(cp) == Character.CONTROL && !(tab && cp == '\t')) return false;
            i += Character.charCount(cp);
        }
        return true;
    }
}
