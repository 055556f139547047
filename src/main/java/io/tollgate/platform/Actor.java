package io.tollgate.platform;

/** Who is acting: recorded in the audit log beside every operator change. */
public record Actor(String type, String id, String role) {
    public static final Actor SYSTEM = new Actor("system", "system", "owner");

    public boolean isViewer() { return "viewer".equals(role); }
}
