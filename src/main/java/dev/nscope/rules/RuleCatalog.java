package dev.nscope.rules;

import java.util.List;
import java.util.Optional;

import static dev.nscope.rules.Severity.CRITICAL;
import static dev.nscope.rules.Severity.INFO;
import static dev.nscope.rules.Severity.WARNING;

/**
 * Every rule of the contract, once: id, severity, title and general fix. The rule classes take their
 * spec from here; {@code nscope.rules.disabled} is checked against {@link #ALL}; the web page and
 * {@code /actuator/rules} show {@link #SPECS}.
 */
public final class RuleCatalog {
    private RuleCatalog() {
    }

    public static final RuleSpec PID1_SIGTERM_DROPPED = new RuleSpec("pid1-sigterm-dropped", CRITICAL, "SIGTERM dropped",
            "Run the program under an init that forwards signals (docker run --init, tini, dumb-init, catatonit), "
                    + "or make it handle SIGTERM itself. In an entrypoint script, start the program with exec.");
    public static final RuleSpec PID1_ZOMBIES_NOT_REAPED = new RuleSpec("pid1-zombies-not-reaped", WARNING, "zombies",
            "Run an init that reaps orphans as PID 1 (docker run --init, tini, dumb-init), "
                    + "or make PID 1 wait() for the children it starts.");
    public static final RuleSpec PID1_SIGNALS_NOT_FORWARDED = new RuleSpec("pid1-signals-not-forwarded", WARNING,
            "signals not forwarded", "Start the program with exec in the entrypoint script so it replaces the shell, "
                    + "or run an init that passes SIGTERM on (tini, dumb-init).");
    public static final RuleSpec HOST_PID_NAMESPACE = new RuleSpec("host-pid-namespace", WARNING, "host pid",
            "Drop --pid host / hostPID: true unless the container must see the host's processes.");
    public static final RuleSpec HOST_NETWORK_NAMESPACE = new RuleSpec("host-network-namespace", WARNING, "host network",
            "Drop --network host / hostNetwork: true and publish the ports it serves instead.");
    public static final RuleSpec HOST_IPC_NAMESPACE = new RuleSpec("host-ipc-namespace", WARNING, "host ipc",
            "Drop --ipc host / hostIPC: true.");
    public static final RuleSpec HOST_UTS_NAMESPACE = new RuleSpec("host-uts-namespace", INFO, "host uts",
            "Drop --uts host: the container can change the host's hostname.");
    public static final RuleSpec HOST_MOUNT_NAMESPACE = new RuleSpec("host-mount-namespace", CRITICAL, "host mounts",
            "Give the container its own mount namespace and mount only the paths it needs.");
    public static final RuleSpec HOST_USER_NAMESPACE = new RuleSpec("host-user-namespace", INFO, "host user",
            "Use user namespaces (dockerd userns-remap, a rootless runtime, Kubernetes hostUsers: false) "
                    + "so that root in the container is not root on the host.");
    public static final RuleSpec MEMORY_NEAR_LIMIT = new RuleSpec("memory-near-limit", WARNING, "memory near limit",
            "Raise the memory limit or shrink the working set before the OOM killer steps in.");
    public static final RuleSpec PIDS_NEAR_LIMIT = new RuleSpec("pids-near-limit", WARNING, "pids near limit",
            "Raise the pids limit, or find the process that forks too much in the tree below.");
    public static final RuleSpec OOM_KILLED = new RuleSpec("oom-killed", CRITICAL, "OOM killed",
            "The kernel killed a process of this container for memory: raise the limit or fix the leak.");
    public static final RuleSpec CPU_THROTTLED = new RuleSpec("cpu-throttled", WARNING, "CPU throttled",
            "Raise the CPU limit (CFS quota) or lower the demand: throttling adds latency.");

    public static final RuleSpec FDS_NEAR_LIMIT = new RuleSpec("fds-near-limit", WARNING, "files near limit",
            "Raise the process's open-files limit (docker run --ulimit nofile=…, LimitNOFILE=) or find the descriptors it leaks.");
    public static final RuleSpec MEMORY_HIGH_THROTTLED = new RuleSpec("memory-high-throttled", WARNING, "memory.high throttling",
            "The kernel throttles and reclaims at memory.high: raise it (or the request it follows) or shrink the working set.");
    public static final RuleSpec PRESSURE_STALLED = new RuleSpec("pressure-stalled", WARNING, "stalled",
            "Tasks wait for the resource named in the evidence: give it more CPU, memory or IO, or lower its load.");

    public static final RuleSpec PRIVILEGED = new RuleSpec("privileged", CRITICAL, "privileged",
            "Drop --privileged / securityContext.privileged: true and grant only the capabilities and devices it needs.");
    public static final RuleSpec DANGEROUS_CAPABILITIES = new RuleSpec("dangerous-capabilities", WARNING, "dangerous capabilities",
            "Drop the capabilities beyond the runtime's default (--cap-drop, securityContext.capabilities.drop) unless the workload needs them.");
    public static final RuleSpec SECCOMP_UNCONFINED = new RuleSpec("seccomp-unconfined", WARNING, "no seccomp",
            "Run it under the runtime's default seccomp profile (securityContext.seccompProfile.type: RuntimeDefault).");
    public static final RuleSpec RUNTIME_SOCKET_MOUNTED = new RuleSpec("runtime-socket-mounted", CRITICAL, "runtime socket",
            "Remove the runtime socket mount: whoever reaches it is root on the node.");
    public static final RuleSpec HOST_PATH_MOUNTED = new RuleSpec("host-path-mounted", WARNING, "host path",
            "Mount only the host directory it needs, read-only where it can, or use a volume.");

    /** Every rule, in the order the docs list them. */
    public static final List<RuleSpec> SPECS = List.of(PID1_SIGTERM_DROPPED, PID1_ZOMBIES_NOT_REAPED,
            PID1_SIGNALS_NOT_FORWARDED, HOST_PID_NAMESPACE, HOST_NETWORK_NAMESPACE, HOST_IPC_NAMESPACE,
            HOST_UTS_NAMESPACE, HOST_MOUNT_NAMESPACE, HOST_USER_NAMESPACE, MEMORY_NEAR_LIMIT, PIDS_NEAR_LIMIT,
            OOM_KILLED, CPU_THROTTLED, FDS_NEAR_LIMIT, MEMORY_HIGH_THROTTLED, PRESSURE_STALLED, PRIVILEGED,
            DANGEROUS_CAPABILITIES, SECCOMP_UNCONFINED, RUNTIME_SOCKET_MOUNTED, HOST_PATH_MOUNTED);

    /** The ids of {@link #SPECS}. */
    public static final List<String> ALL = SPECS.stream().map(RuleSpec::id).toList();

    public static Optional<RuleSpec> find(String id) {
        return SPECS.stream().filter(s -> s.id().equals(id)).findFirst();
    }
}
