package dev.nscope.isolation;

/**
 * What the isolation rules judge: the container's {@link Isolation} and the raw masks behind it.
 *
 * @param effective    PID 1's effective capabilities (-1: unknown)
 * @param membersExtra effective capabilities other processes of the container hold beyond PID 1's
 * @param seccomp      PID 1's seccomp mode (0 disabled, 1 strict, 2 filter; -1 unknown)
 * @param hostUser     it is in the host's user namespace, so its capabilities are the host's (false when it has its
 *                     own, or that is unknown)
 * @param devices      the first line of its v1 {@code devices.list} ({@code a *:* rwm}: every device), null where
 *                     not readable (v2 keeps the device policy in a BPF program)
 */
public record IsolationFacts(Isolation isolation, long effective, long membersExtra, int seccomp, boolean hostUser,
                             String devices) {

    /** PID 1 holds CAP_SYS_ADMIN with seccomp off, in the host's user namespace: {@code --privileged} in effect. */
    public boolean privileged() {
        return hostUser && effective != -1 && (effective & Capabilities.SYS_ADMIN) != 0 && seccomp == 0;
    }
}
