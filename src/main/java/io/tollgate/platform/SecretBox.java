package io.tollgate.platform;

/**
 * Envelope encryption of secrets Tollgate must read back (upstream credentials, webhook signing
 * secrets, OAuth client secrets): AES-256-GCM under a fresh 256-bit data key per value, the data key
 * wrapped by a master key whose id travels in the sealed text. Hashes stay the answer for secrets
 * Tollgate only compares (API keys, passwords): this is for the ones it has to use.
 *
 * <p>Sealed text is printable ASCII: {@code tgenc:v1:<master key id>:<wrapped data key>:<payload>}.
 */
public interface SecretBox {
    String PREFIX = "tgenc:v1:";

    /**
     * Seals {@code plaintext}. {@code context} is bound as associated data — use
     * {@code "<table>:<row id>[:<column>]"} — so a ciphertext copied to another row or column does not open.
     */
    String seal(String plaintext, String context);

    /** Opens a value sealed with the same context, or throws {@link SecretBoxException}; never returns garbage. */
    String open(String sealed, String context);

    /** The same value with its data key re-wrapped under the primary master key; the payload is untouched. */
    String rewrap(String sealed);

    /** The primary master key's id: new values are sealed under it. */
    String primaryKeyId();

    /** Every master key id this node can open values under (the primary among them). */
    java.util.Set<String> keyIds();

    /** The master key id a sealed value names (whether or not this node has that key). */
    static String keyIdOf(String sealed) {
        if (sealed == null || !sealed.startsWith(PREFIX)) throw new SecretBoxException("not a sealed value");
        int end = sealed.indexOf(':', PREFIX.length());
        if (end < 0) throw new SecretBoxException("not a sealed value");
        return sealed.substring(PREFIX.length(), end);
    }

    /** The text every value sealed under {@code keyId} starts with (for SQL {@code LIKE} filters). */
    static String prefixOf(String keyId) {
        return PREFIX + keyId + ":";
    }
}
