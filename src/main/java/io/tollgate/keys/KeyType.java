package io.tollgate.keys;

/** secret keys live on servers; publishable keys ship inside clients and get restricted scopes. */
public enum KeyType {
    SECRET("sk"), PUBLISHABLE("pk");

    final String code;

    KeyType(String code) {
        this.code = code;
    }
}
