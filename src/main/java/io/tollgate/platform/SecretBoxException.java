package io.tollgate.platform;

/**
 * A sealed value that cannot be opened: tampered with, moved to another row, sealed under a master
 * key this node does not have, or not a sealed value at all. The message never contains key material.
 */
public class SecretBoxException extends RuntimeException {
    public SecretBoxException(String message) {
        super(message);
    }
}
