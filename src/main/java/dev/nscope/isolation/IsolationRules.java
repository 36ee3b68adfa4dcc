package dev.nscope.isolation;

import dev.nscope.rules.Finding;
import dev.nscope.rules.FindingRule;
import dev.nscope.rules.RuleCatalog;
import dev.nscope.rules.Severity;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The isolation rules: {@code privileged}, {@code dangerous-capabilities}, {@code seccomp-unconfined},
 * {@code runtime-socket-mounted}, {@code host-path-mounted}. Capabilities count only in the host's user
 * namespace (in a namespace of its own a container's CAP_SYS_ADMIN reaches only what that namespace owns).
 */
public final class IsolationRules {
    private IsolationRules() {
    }

    public static List<FindingRule<IsolationFacts>> all() {
        return List.of(
                FindingRule.of(RuleCatalog.PRIVILEGED, IsolationRules::privileged),
                FindingRule.of(RuleCatalog.DANGEROUS_CAPABILITIES, IsolationRules::dangerousCapabilities),
                FindingRule.of(RuleCatalog.SECCOMP_UNCONFINED, IsolationRules::seccompUnconfined),
                FindingRule.of(RuleCatalog.RUNTIME_SOCKET_MOUNTED, IsolationRules::runtimeSocketMounted),
                FindingRule.of(RuleCatalog.HOST_PATH_MOUNTED, IsolationRules::hostPathMounted));
    }

    static Finding privileged(IsolationFacts f) {
        if (!f.privileged()) {
            return null;
        }
        List<String> beyond = Capabilities.names(f.effective() & ~Capabilities.RUNTIME_DEFAULT, -1);
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("capabilitiesBeyondDefault", beyond);
        e.put("seccomp", "disabled");
        Isolation.Privileges p = f.isolation().privileges();
        e.put("apparmor", p == null ? null : p.apparmor());
        if (f.devices() != null) {
            e.put("devices", f.devices());
        }
        return RuleCatalog.PRIVILEGED.finding(
                "PID 1 holds CAP_SYS_ADMIN and " + beyond.size() + " capabilities beyond the runtime's default with seccomp "
                        + "disabled: it can mount, load modules and reach devices as root on the host can.",
                "drop --privileged (securityContext.privileged: false) and add only the capability it needs (--cap-add)", e);
    }

    static Finding dangerousCapabilities(IsolationFacts f) {
        if (!f.hostUser() || f.privileged() || f.effective() == -1) {
            return null;
        }
        long pid1 = f.effective() & Capabilities.DANGEROUS & ~Capabilities.RUNTIME_DEFAULT;
        long members = f.membersExtra() & Capabilities.DANGEROUS & ~Capabilities.RUNTIME_DEFAULT & ~pid1;
        if (pid1 == 0 && members == 0) {
            return null;
        }
        List<String> names = Capabilities.names(pid1 | members, -1);
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("capabilities", names);
        e.put("pid1", Capabilities.names(pid1, -1));
        List<Integer> heldBy = new ArrayList<>();
        for (Isolation.Member m : f.isolation().elevatedMembers()) {
            for (String c : m.capabilities()) {
                if (names.contains(c) && !heldBy.contains(m.pid())) {
                    heldBy.add(m.pid());
                }
            }
        }
        e.put("otherProcesses", heldBy);
        return RuleCatalog.DANGEROUS_CAPABILITIES.finding(
                "The container holds " + String.join(", ", names) + " beyond the runtime's default set"
                        + (pid1 == 0 ? " (in processes other than PID 1)" : "") + ".",
                "drop them (--cap-drop " + String.join(" --cap-drop ", shortNames(names))
                        + "; Kubernetes: securityContext.capabilities.drop) unless the workload needs them", e);
    }

    static Finding seccompUnconfined(IsolationFacts f) {
        if (f.seccomp() != 0 || f.privileged()) {
            return null;
        }
        Isolation.Privileges p = f.isolation().privileges();
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("seccomp", "disabled");
        e.put("noNewPrivs", p == null ? null : p.noNewPrivs());
        e.put("apparmor", p == null ? null : p.apparmor());
        return RuleCatalog.SECCOMP_UNCONFINED.finding(
                "PID 1 runs without a seccomp filter: every system call of the kernel is open to it.",
                "run it with the runtime's default profile (drop --security-opt seccomp=unconfined; Kubernetes: "
                        + "securityContext.seccompProfile.type: RuntimeDefault)", e);
    }

    static Finding runtimeSocketMounted(IsolationFacts f) {
        List<Isolation.Mount> mounts = f.isolation().mounts();
        if (mounts == null) {
            return null;
        }
        List<String> sockets = new ArrayList<>();
        List<String> at = new ArrayList<>();
        for (Isolation.Mount m : mounts) {
            String s = HostPathPolicy.runtimeSocket(m.mountPoint(), m.hostPath());
            if (s != null) {
                sockets.add(m.hostPath());
                at.add(m.mountPoint());
            }
        }
        if (sockets.isEmpty()) {
            return null;
        }
        return RuleCatalog.RUNTIME_SOCKET_MOUNTED.finding(
                "The container has the runtime socket " + sockets.get(0) + " at " + at.get(0) + (sockets.size() > 1
                        ? " (and " + (sockets.size() - 1) + " more)" : "") + ": whoever can connect to it runs containers "
                        + "of their choosing on this node, as root; read-only does not stop a connect.",
                "remove the socket mount; a tool that needs the runtime's API should get a narrowly scoped proxy or run on "
                        + "the node itself", evidence("hostPaths", sockets, "mountPoints", at));
    }

    static Finding hostPathMounted(IsolationFacts f) {
        Isolation iso = f.isolation();
        List<String> paths = new ArrayList<>();
        boolean writable = false;
        Isolation.Rootfs root = iso.rootfs();
        if (root != null && root.hostPath() != null && HostPathPolicy.sensitive(root.hostPath()) != null) {
            paths.add(root.hostPath() + " at / (its root)" + (root.readOnly() ? " ro" : " rw"));
            writable |= !root.readOnly();
        }
        if (iso.mounts() != null) {
            for (Isolation.Mount m : iso.mounts()) {
                if (m.sensitive()) {
                    boolean w = !m.readOnly() || m.writableSubmounts() > 0;
                    paths.add(m.hostPath() + " at " + m.mountPoint() + (m.readOnly() ? " ro" : " rw")
                            + (m.writableSubmounts() > 0 ? " (" + m.writableSubmounts() + " writable mounts below)" : ""));
                    writable |= w;
                }
            }
        }
        if (paths.isEmpty()) {
            return null;
        }
        Severity severity = writable ? Severity.WARNING : Severity.INFO;
        return RuleCatalog.HOST_PATH_MOUNTED.finding(severity,
                "The container has the host's " + paths.get(0) + (paths.size() > 1 ? " and " + (paths.size() - 1) + " more" : "")
                        + (writable ? ": it can change the host's files there." : ": it can read the host's files there."),
                "mount only the directory it needs, read-only where it can (-v src:dst:ro; Kubernetes: a narrower hostPath, "
                        + "readOnly: true), or use a volume", evidence("mounts", paths));
    }

    private static Map<String, Object> evidence(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static List<String> shortNames(List<String> names) {
        List<String> out = new ArrayList<>(names.size());
        for (String n : names) {
            out.add(n.startsWith("CAP_") ? n.substring(4) : n);
        }
        return out;
    }
}
