// Who opened a socket: its tenant, and the user and program behind it.
package io.flexnet.socket;

import java.util.Objects;

/**
 * The owner a socket declares before it binds, listens or connects: what an {@link Admission} checks
 * against per-tenant limits and what owner-aware filters match ({@code meta owner}, {@code meta skuid},
 * {@code meta program}). A socket that declares none is {@link #process()}'s.
 */
public record SocketOwner(String tenant, String user, String program) {
    public SocketOwner {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(program, "program");
        if (tenant.isEmpty() || user.isEmpty() || program.isEmpty()) {
            throw new IllegalArgumentException("an owner needs a tenant, a user and a program, got '" + tenant
                    + "', '" + user + "', '" + program + "'");
        }
    }

    private static final SocketOwner PROCESS = new SocketOwner("default", System.getProperty("user.name", "-"), "flexnet");

    /** The tenant {@code default}, this process's user, the program {@code flexnet}. */
    public static SocketOwner process() { return PROCESS; }

    @Override
    public String toString() { return tenant + " (user " + user + ", program " + program + ")"; }
}
