// Who opened a socket: its tenant, and the user and program behind it (iptables' owner match).
package io.flexnet.interpose;

import java.util.Objects;

/** The owner of a local port, as filters match it: {@code meta owner}, {@code meta skuid}, {@code meta program}. */
public record Owner(String tenant, String user, String program) {
    public Owner {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(program, "program");
    }

    @Override
    public String toString() { return tenant + " (user " + user + ", program " + program + ")"; }
}
