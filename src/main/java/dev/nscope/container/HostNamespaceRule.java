package dev.nscope.container;

import dev.nscope.proc.NamespaceType;
import dev.nscope.proc.Namespaces;
import dev.nscope.rules.Finding;
import dev.nscope.rules.FindingRule;
import dev.nscope.rules.RuleCatalog;
import dev.nscope.rules.RuleSpec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code host-<type>-namespace}: the container shares that namespace with the host. Raised only when
 * both inodes are known; the containers of one Kubernetes pod share net/ipc/uts with their pod
 * sandbox, which is a different inode from the host's and so never flagged.
 */
public final class HostNamespaceRule implements FindingRule<NamespaceFacts> {
    private final RuleSpec spec;
    private final NamespaceType type;
    private final String what;
    private final String fix;

    HostNamespaceRule(RuleSpec spec, NamespaceType type, String what, String fix) {
        this.spec = spec;
        this.type = type;
        this.what = what;
        this.fix = fix;
    }

    /** The contract's host-namespace rules. */
    public static List<HostNamespaceRule> all() {
        return List.of(
                new HostNamespaceRule(RuleCatalog.HOST_PID_NAMESPACE, NamespaceType.PID,
                        "shares the host's pid namespace: it sees and can signal every process of the node, and has no PID 1 of its own",
                        "drop --pid host / hostPID: true"),
                new HostNamespaceRule(RuleCatalog.HOST_NETWORK_NAMESPACE, NamespaceType.NET,
                        "shares the host's network namespace: it uses the node's interfaces and ports directly",
                        "drop --network host / hostNetwork: true"),
                new HostNamespaceRule(RuleCatalog.HOST_IPC_NAMESPACE, NamespaceType.IPC,
                        "shares the host's IPC namespace: it can reach the node's shared memory and message queues",
                        "drop --ipc host / hostIPC: true"),
                new HostNamespaceRule(RuleCatalog.HOST_UTS_NAMESPACE, NamespaceType.UTS,
                        "shares the host's UTS namespace: a hostname change inside renames the node",
                        "drop --uts host"),
                new HostNamespaceRule(RuleCatalog.HOST_MOUNT_NAMESPACE, NamespaceType.MNT,
                        "shares the host's mount namespace: its filesystem is the node's",
                        "run it with a mount namespace of its own"),
                new HostNamespaceRule(RuleCatalog.HOST_USER_NAMESPACE, NamespaceType.USER,
                        "has no user namespace of its own: root inside is root on the host",
                        "enable user namespaces (dockerd --userns-remap, pod hostUsers: false)"));
    }

    @Override
    public RuleSpec spec() {
        return spec;
    }

    public NamespaceType type() {
        return type;
    }

    @Override
    public Optional<Finding> check(NamespaceFacts f) {
        long c = f.container().get(type);
        long h = f.host().get(type);
        if (c == Namespaces.UNKNOWN || h == Namespaces.UNKNOWN || c != h) {
            return Optional.empty();
        }
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("namespace", type.link());
        evidence.put("inode", c);
        evidence.put("hostInode", h);
        return Optional.of(spec.finding("Container " + what + ".", fix, evidence));
    }
}
